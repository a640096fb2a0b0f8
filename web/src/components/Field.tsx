/** The frame of a labelled form control (NL Design System): the label, a hint, the control. */
import { useId, type ReactNode } from 'react';

/** The ids the control needs: its own (the label points at it) and its description's. */
export interface FieldIds {
  id: string;
  describedBy: string | undefined;
}

export function Field({
  label,
  hint,
  hintAs = 'p',
  className = 'sz-field',
  children,
}: {
  label: string;
  hint?: ReactNode;
  /** The hint's element: a paragraph, or a span inside a line of text. */
  hintAs?: 'p' | 'span';
  className?: string;
  children: (ids: FieldIds) => ReactNode;
}) {
  const id = useId();
  const hintId = useId();
  const Hint = hintAs;
  return (
    <div className={className}>
      <label className="utrecht-form-label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <Hint className="sz-hint" id={hintId}>
          {hint}
        </Hint>
      )}
      {children({ id, describedBy: hint ? hintId : undefined })}
    </div>
  );
}
