/**
 * Labelled form fields on react-aria-components (labels, descriptions and errors wired to the
 * input for screen readers; keyboard and focus handled by the library). Styled by classes only:
 * the CSP forbids inline <style>.
 */
import type { ReactNode } from 'react';
import {
  Button,
  Checkbox,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  NumberField,
  Popover,
  Radio,
  RadioGroup,
  Select,
  SelectValue,
  Switch,
  Text,
  TextField,
} from 'react-aria-components';

interface TextInputProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  description?: ReactNode;
  placeholder?: string;
  isRequired?: boolean;
  errorMessage?: string | null;
  type?: 'text' | 'password' | 'search' | 'url';
  name?: string;
  autoFocus?: boolean;
  className?: string;
}

export function TextInput(p: TextInputProps) {
  return (
    <TextField
      className={`field ${p.className ?? ''}`}
      value={p.value}
      onChange={p.onChange}
      isRequired={p.isRequired}
      isInvalid={!!p.errorMessage}
      type={p.type ?? 'text'}
      name={p.name}
      autoFocus={p.autoFocus}
    >
      <Label>{p.label}</Label>
      <Input placeholder={p.placeholder} spellCheck={false} />
      {p.description && <Text slot="description">{p.description}</Text>}
      <FieldError>{p.errorMessage}</FieldError>
    </TextField>
  );
}

interface NumberInputProps {
  label: string;
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  minValue?: number;
  maxValue?: number;
  description?: ReactNode;
}

/** An optional whole number: clearing the field gives `undefined` ("not set"). */
export function NumberInput(p: NumberInputProps) {
  return (
    <NumberField
      className="field field-number"
      value={p.value ?? NaN}
      onChange={(v) => p.onChange(Number.isNaN(v) ? undefined : Math.round(v))}
      minValue={p.minValue ?? 0}
      maxValue={p.maxValue}
      formatOptions={{ maximumFractionDigits: 0, useGrouping: false }}
    >
      <Label>{p.label}</Label>
      <Input />
      {p.description && <Text slot="description">{p.description}</Text>}
    </NumberField>
  );
}

interface SelectInputProps<K extends string> {
  label: string;
  value: K;
  onChange: (v: K) => void;
  options: readonly { id: K; label: string }[];
  description?: ReactNode;
}

export function SelectInput<K extends string>(p: SelectInputProps<K>) {
  return (
    <Select className="field field-select" selectedKey={p.value} onSelectionChange={(k) => k !== null && p.onChange(k as K)}>
      <Label>{p.label}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true" className="select-arrow">▾</span>
      </Button>
      {p.description && <Text slot="description">{p.description}</Text>}
      <Popover className="popover">
        <ListBox className="listbox" items={p.options}>
          {(o) => (
            <ListBoxItem className="listbox-item" id={o.id}>
              {o.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}

interface ChoiceProps<K extends string> {
  label: string;
  value: K;
  onChange: (v: K) => void;
  options: readonly { id: K; label: string; description?: string }[];
  orientation?: 'horizontal' | 'vertical';
}

export function Choice<K extends string>(p: ChoiceProps<K>) {
  return (
    <RadioGroup className="field radio-group" value={p.value} onChange={(v) => p.onChange(v as K)} orientation={p.orientation ?? 'horizontal'}>
      <Label>{p.label}</Label>
      <div className="radio-options">
        {p.options.map((o) => (
          <Radio key={o.id} value={o.id} className="radio">
            <span className="radio-dot" aria-hidden="true" />
            <span>
              {o.label}
              {o.description && <span className="muted radio-description">{o.description}</span>}
            </span>
          </Radio>
        ))}
      </div>
    </RadioGroup>
  );
}

export function Check({ children, isSelected, onChange, ariaLabel }: { children?: ReactNode; isSelected: boolean; onChange: (v: boolean) => void; ariaLabel?: string }) {
  return (
    <Checkbox className="checkbox" isSelected={isSelected} onChange={onChange} aria-label={ariaLabel}>
      <span className="checkbox-box" aria-hidden="true">
        {isSelected ? '✓' : ''}
      </span>
      {children}
    </Checkbox>
  );
}

export function Toggle({ children, isSelected, onChange }: { children: ReactNode; isSelected: boolean; onChange: (v: boolean) => void }) {
  return (
    <Switch className="switch" isSelected={isSelected} onChange={onChange}>
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      {children}
    </Switch>
  );
}
