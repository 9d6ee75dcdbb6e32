/**
 * First run (no plan yet), four steps: choose a vault (the default `local`, or add one), save its
 * recovery kit, add folders, choose a plan template → `plans.create`. Each step is one screen with
 * its own heading; focus moves to it so keyboard users keep their place.
 */
import { useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { ChooseVaultStep } from './ChooseVaultStep.js';
import { FoldersStep } from './FoldersStep.js';
import { PlanStep } from './PlanStep.js';
import { KitStep } from './KitStep.js';

export interface NewVaultKit {
  vault: string;
  code: string | null;
}

const STEPS = ['Choose a vault', 'Save the recovery kit', 'Add folders', 'Choose a plan'];

export function FirstRun({ onDone }: { onDone: () => void }) {
  const [step, setStep] = useState(0);
  const [vault, setVault] = useState('local');
  const [kit, setKit] = useState<NewVaultKit | null>(null);
  const [folders, setFolders] = useState<string[]>([]);
  const [addingVault, setAddingVault] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) firstRender.current = false;
    else heading.current?.focus();
  }, [step]);

  return (
    <div className="screen first-run">
      <h1>Welcome to DeskVault</h1>
      <p className="lead">Four steps to protect your folders. Everything can be changed later.</p>
      <ol className="stepper" aria-label="Setup steps">
        {STEPS.map((s, i) => (
          <li key={s} aria-current={i === step ? 'step' : undefined} className={i < step ? 'done' : i === step ? 'current' : ''}>
            {s}
          </li>
        ))}
      </ol>
      <section className="card" aria-labelledby="step-h">
        <h2 id="step-h" ref={heading} tabIndex={-1}>
          Step {step + 1} of {STEPS.length}: {STEPS[step]}
        </h2>
        {step === 0 && (
          <ChooseVaultStep
            vault={vault}
            onChoose={setVault}
            adding={addingVault}
            onAdding={setAddingVault}
            onAdded={(r) => {
              setVault(r.vault.name);
              setKit({ vault: r.vault.name, code: r.recoveryCode });
            }}
          />
        )}
        {step === 1 && <KitStep vault={vault} kit={kit?.vault === vault ? kit : null} />}
        {step === 2 && <FoldersStep folders={folders} onChange={setFolders} />}
        {step === 3 && <PlanStep vault={vault} folders={folders} onCreated={onDone} />}
        <div className="wizard-nav">
          {step > 0 && (
            <Button className="button" onPress={() => setStep(step - 1)}>
              Back
            </Button>
          )}
          {step < STEPS.length - 1 && (
            <Button className="button button-primary" isDisabled={(step === 0 && addingVault) || (step === 2 && folders.length === 0)} onPress={() => setStep(step + 1)}>
              Continue
            </Button>
          )}
        </div>
      </section>
    </div>
  );
}
