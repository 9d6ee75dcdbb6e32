/**
 * A button for what cannot be undone (delete a plan, forget a vault, release a hold): it opens an
 * alert dialog that says what happens, with the safe choice focused first. Escape or Cancel closes
 * it; only the dialog's own button acts.
 */
import type { ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';

interface Props {
  /** The button's text (and the dialog's action button unless `confirmLabel`). */
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  onConfirm: () => void;
  isDisabled?: boolean;
  className?: string;
  ariaLabel?: string;
}

export function ConfirmButton({ children, title, message, confirmLabel, onConfirm, isDisabled, className = 'button button-danger', ariaLabel }: Props) {
  return (
    <DialogTrigger>
      <Button className={className} isDisabled={isDisabled} aria-label={ariaLabel}>
        {children}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title">{title}</Heading>
                <p>{message}</p>
                <div className="dialog-actions">
                  <Button className="button" autoFocus onPress={close}>
                    Cancel
                  </Button>
                  <Button
                    className="button button-danger"
                    onPress={() => {
                      close();
                      onConfirm();
                    }}
                  >
                    {confirmLabel ?? children}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
