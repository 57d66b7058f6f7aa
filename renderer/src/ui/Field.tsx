import type { InputHTMLAttributes, ReactNode } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'className' | 'children'>;

/**
 * A labelled input: the label wraps its text and the input, so the text is the input's accessible name.
 * `onValue` gets the new text; every other input attribute passes through.
 */
export function InputField({
  label,
  className,
  value,
  onValue,
  ...input
}: InputProps & { label: ReactNode; className?: string; value: string | number; onValue(value: string): void }) {
  return (
    <label className={className}>
      {label}
      <input {...input} value={value} onChange={(e) => onValue(e.target.value)} />
    </label>
  );
}

/** A checkbox or radio button followed by its label text (`label.check`). */
export function CheckField({
  label,
  checked,
  onChecked,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'className' | 'children' | 'checked' | 'type'> & {
  label: ReactNode;
  type?: 'checkbox' | 'radio';
  checked: boolean;
  onChecked(checked: boolean): void;
}) {
  return (
    <label className="check">
      <input type="checkbox" {...input} checked={checked} onChange={(e) => onChecked(e.target.checked)} />
      {label}
    </label>
  );
}
