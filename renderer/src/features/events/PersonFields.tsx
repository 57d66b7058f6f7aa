import { InputField } from '../../ui/Field';

export interface PersonDraft {
  firstName: string;
  lastName: string;
  email: string;
  user: string;
}

/**
 * An attendee's name, email and portal user id, as one person is added or edited. Adding, the user id may be left
 * out (it is made from the email); editing, it is required, and `locked` keeps email and user id while the person
 * holds a session.
 */
export function PersonFields<T extends PersonDraft>({
  value,
  onChange,
  userOptional = false,
  locked = false,
}: {
  value: T;
  onChange(next: NoInfer<T>): void;
  userOptional?: boolean;
  locked?: boolean;
}) {
  return (
    <>
      <InputField
        label="First name"
        value={value.firstName}
        onValue={(v) => onChange({ ...value, firstName: v })}
        maxLength={150}
        autoComplete="off"
      />
      <InputField
        label="Last name"
        value={value.lastName}
        onValue={(v) => onChange({ ...value, lastName: v })}
        maxLength={150}
        autoComplete="off"
      />
      <InputField
        label="Email"
        type="email"
        required
        disabled={locked}
        value={value.email}
        onValue={(v) => onChange({ ...value, email: v })}
        maxLength={254}
        autoComplete="off"
      />
      <InputField
        label={userOptional ? 'User id (optional: made from the email)' : 'User id'}
        required={!userOptional}
        disabled={locked}
        value={value.user}
        onValue={(v) => onChange({ ...value, user: v })}
        maxLength={150}
        pattern="[A-Za-z0-9_\-]+"
        title="letters, digits, - or _"
        autoComplete="off"
      />
    </>
  );
}
