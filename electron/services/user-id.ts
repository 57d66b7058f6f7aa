/**
 * Portal user ids for people known by email. `/workshops/user/<user>/sessions/` only routes Django slugs
 * ([-a-zA-Z0-9_]+), so an email such as ada@example.org can request a session but could never be looked up
 * again. The console therefore derives a slug from the email (ada-example-org) and uses that as the user id
 * everywhere, so the same person always maps to the same portal user and their sessions can be found.
 */
export function userIdFromEmail(email: string): string {
  return email
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 150);
}

const SLUG = /^[-a-zA-Z0-9_]+$/;

export function isUserId(value: string): boolean {
  return value.length > 0 && value.length <= 150 && SLUG.test(value);
}
