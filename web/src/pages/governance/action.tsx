/** An action of a governance section: held while it runs, then what it did or why it was refused. */
import { useState } from 'react';
import { Done, Refusal } from './parts.js';

export interface Action {
  busy: boolean;
  done: string | null;
  refusal: unknown;
  /** Runs `step`; the text it answers is announced as done, a throw is shown as the refusal. */
  run: (step: () => Promise<string | null | void>) => Promise<void>;
  /** Announces something that happened meanwhile (a followed run ended). */
  say: (text: string) => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<unknown>(null);
  const run = async (step: () => Promise<string | null | void>): Promise<void> => {
    setDone(null);
    setRefusal(null);
    setBusy(true);
    try {
      const text = await step();
      if (text) setDone(text);
    } catch (err) {
      setRefusal(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, done, refusal, run, say: setDone };
}

/** The outcome of an action next to what caused it: the refusal, then what was done. */
export function Outcome({ action }: { action: Action }) {
  return (
    <>
      <Refusal error={action.refusal} />
      <Done text={action.done} />
    </>
  );
}
