/**
 * The recovery kit of an app-managed vault: its recovery code, given out once by the service
 * (`vaults.recoveryKit` or `vaults.add`). Shown with a print button; the print stylesheet prints
 * only the kit.
 */
import { useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import type { ApiResult } from '../../../../main/core/api.js';
import { useClient } from '../../app/client-context.js';
import { ErrorNote, Loading } from '../../components/feedback.js';
import { toApiError, type ApiError } from '../../api/index.js';

type Kit = ApiResult<'vaults.recoveryKit'>;

/**
 * Fetches the kit once per mounted loader. The service hands the code out only once, so the call
 * must never repeat: the promise is kept in a ref (StrictMode's re-run of effects reuses it).
 */
export function RecoveryKitLoader({ vault }: { vault: string }) {
  const client = useClient();
  const request = useRef<Promise<Kit> | null>(null);
  const [kit, setKit] = useState<Kit | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    request.current ??= client.call('vaults.recoveryKit', { name: vault });
    request.current.then(setKit, (e: unknown) => setError(toApiError(e)));
  }, [client, vault]);
  if (error) return <ErrorNote error={error} title="The recovery kit is unavailable" />;
  if (!kit) return <Loading what="the recovery kit" />;
  return <RecoveryKit vault={kit.vault} code={kit.recoveryCode} instructions={kit.instructions} />;
}

export function RecoveryKit({ vault, code, instructions }: { vault: string; code: string | null; instructions: string }) {
  return (
    <div className="recovery-kit print-only-target" aria-labelledby="kit-h">
      <h3 id="kit-h">Recovery kit for vault “{vault}”</h3>
      {code ? (
        <>
          <p className="recovery-code" aria-label="Recovery code">
            <code>{code}</code>
          </p>
          <p>{instructions}</p>
          <Button className="button button-primary no-print" onPress={() => window.print()}>
            Print recovery kit
          </Button>
        </>
      ) : (
        <p className="muted">{instructions}</p>
      )}
    </div>
  );
}
