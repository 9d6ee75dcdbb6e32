/** "CLI equivalent": the command line that does the same as the form, with a copy button. */
import { useState } from 'react';
import { Button } from 'react-aria-components';

export function CliEquivalent({ command, label }: { command: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <details className="cli">
      <summary>CLI equivalent{label ? `: ${label}` : ''}</summary>
      <pre>
        <code>{command}</code>
      </pre>
      <Button
        className="button button-small"
        onPress={() => {
          navigator.clipboard?.writeText(command).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </details>
  );
}
