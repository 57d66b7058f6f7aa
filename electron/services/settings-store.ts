import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { hasUserinfo, settingsSchema, withoutUserinfo, type Settings } from '../../shared/contract';
import { ensurePrivateDir, ensurePrivateFile, PRIVATE_FILE_MODE } from '../common/private-files';

/** Defaults: alert at 90% of an environment's capacity, and for sessions expiring within 10 minutes. */
export const defaultSettings: Settings = {
  alerts: { capacityPercent: 90, expiringMinutes: 10, notifyOs: true },
  theme: 'system',
};

/** A remote portal as stored on disk. Secrets are never part of it: they live in the SecretStore. */
export const storedPortalSchema = z.object({
  id: z
    .string()
    .regex(/^[-a-zA-Z0-9_]+$/)
    .max(100),
  label: z.string().min(1).max(100),
  baseUrl: z.url({ protocol: /^https?$/ }).refine((url) => !hasUserinfo(url)),
  clientId: z.string().min(1).max(200),
  username: z.string().min(1).max(150),
  pollIntervalMs: z.number().int().min(1000).max(600_000),
  /** null: the portal's own catalog page (see docs/console.md) */
  defaultIndexUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => !hasUserinfo(url))
    .nullable(),
  enabled: z.boolean(),
});
export type StoredPortal = z.infer<typeof storedPortalSchema>;

/** What the user may change about the built-in portal (its URL and credentials come from the shell each run). */
export const builtinPrefsSchema = z.object({
  enabled: z.boolean(),
  pollIntervalMs: z.number().int().min(1000).max(600_000),
  defaultIndexUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => !hasUserinfo(url))
    .nullable(),
  label: z.string().min(1).max(100).nullable(),
});
export type BuiltinPrefs = z.infer<typeof builtinPrefsSchema>;

export const settingsFileSchema = z.object({
  version: z.literal(1),
  settings: settingsSchema,
  portals: z.array(storedPortalSchema),
  builtin: builtinPrefsSchema,
});
export type SettingsFile = z.infer<typeof settingsFileSchema>;

export function emptySettingsFile(): SettingsFile {
  return {
    version: 1,
    settings: structuredClone(defaultSettings),
    portals: [],
    builtin: { enabled: true, pollIntervalMs: 5000, defaultIndexUrl: null, label: null },
  };
}

/** `scheme://…@` in free text, up to the last `@` of the authority (a corrupt file cannot be parsed as JSON). */
const USERINFO_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>\\]*@/gi;

/**
 * Older versions accepted URLs with a user name and password in them (`https://user:pass@portal…`); the password
 * then sat in plain text in settings.json and went into every activation link. They are removed on load (the
 * console never used them: robot credentials live in the keychain), and what was changed is described.
 */
function stripUserinfo(raw: unknown): string[] {
  const changed: string[] = [];
  const clean = (holder: Record<string, unknown>, key: string, what: string) => {
    const value = holder[key];
    if (typeof value !== 'string' || !hasUserinfo(value)) return;
    const cleaned = withoutUserinfo(value) ?? value.replace(USERINFO_IN_TEXT, '$1');
    // Portal URLs are kept without a trailing slash (the client appends absolute paths).
    holder[key] = key === 'baseUrl' ? cleaned.replace(/\/+$/, '') : cleaned;
    changed.push(what);
  };
  if (typeof raw !== 'object' || raw === null) return changed;
  const file = raw as Record<string, unknown>;
  if (Array.isArray(file['portals'])) {
    for (const p of file['portals'] as unknown[]) {
      if (typeof p !== 'object' || p === null) continue;
      const portal = p as Record<string, unknown>;
      const name = typeof portal['label'] === 'string' ? `"${portal['label']}"` : 'a portal';
      clean(portal, 'baseUrl', `the portal URL of ${name}`);
      clean(portal, 'defaultIndexUrl', `the default index URL of ${name}`);
    }
  }
  if (typeof file['builtin'] === 'object' && file['builtin'] !== null) {
    clean(file['builtin'] as Record<string, unknown>, 'defaultIndexUrl', "the built-in portal's default index URL");
  }
  return changed;
}

function userinfoWarning(changed: string[]): string {
  return (
    `settings.json held a user name or password inside ${changed.join(', ')}; it was removed and the file ` +
    'rewritten. The console never used it (robot credentials are kept in the keychain); if that password is used ' +
    'elsewhere, consider changing it.'
  );
}

export interface LoadResult {
  file: SettingsFile;
  /** set when the file was unreadable or invalid and has been moved aside, or had to be cleaned (saved at once) */
  warning: string | null;
}

/**
 * `<dataDir>/settings.json`, and the one copy of its contents the console works with: no secrets, validated on
 * load, written atomically (temp file + rename) so a crash mid-write never leaves half a file. A corrupt or invalid
 * file is moved aside, never silently dropped. Every change goes through a method here, which saves it.
 */
export class SettingsStore {
  readonly path: string;
  private current: SettingsFile = emptySettingsFile();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.path = path.join(dataDir, 'settings.json');
  }

  /** reads the file (see `load`), saves it at once when it had to be cleaned; returns the warning for the user */
  async open(): Promise<string | null> {
    const loaded = await this.load();
    this.current = loaded.file;
    if (loaded.warning) await this.change((f) => f);
    return loaded.warning;
  }

  get settings(): Readonly<Settings> {
    return this.current.settings;
  }

  get portals(): readonly StoredPortal[] {
    return this.current.portals;
  }

  get builtin(): Readonly<BuiltinPrefs> {
    return this.current.builtin;
  }

  updateSettings(settings: Settings): Promise<void> {
    return this.change((f) => ({ ...f, settings: structuredClone(settings) }));
  }

  /** adds the portal, or replaces the one with its id */
  putPortal(portal: StoredPortal): Promise<void> {
    return this.change((f) => {
      const i = f.portals.findIndex((p) => p.id === portal.id);
      const portals = i < 0 ? [...f.portals, portal] : f.portals.map((p, k) => (k === i ? portal : p));
      return { ...f, portals };
    });
  }

  removePortal(id: string): Promise<void> {
    return this.change((f) => ({ ...f, portals: f.portals.filter((p) => p.id !== id) }));
  }

  updateBuiltin(patch: Partial<BuiltinPrefs>): Promise<void> {
    return this.change((f) => ({ ...f, builtin: { ...f.builtin, ...patch } }));
  }

  /**
   * One change at a time, each applied to the contents the previous one left, and in use once it is on disk: a
   * change that could not be saved is not kept (the caller is told), so the file and the console agree.
   */
  private change(next: (file: SettingsFile) => SettingsFile): Promise<void> {
    const run = this.chain.then(async () => {
      const file = next(this.current);
      await this.writeText(`${JSON.stringify(file, null, 2)}\n`);
      this.current = file;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  async load(): Promise<LoadResult> {
    ensurePrivateDir(this.dataDir);
    // A file written by hand or by an older version may be readable by others: tightened before it is read.
    ensurePrivateFile(this.path);
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file: emptySettingsFile(), warning: null };
      throw err;
    }
    let reason: string;
    try {
      const raw: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
      const stripped = stripUserinfo(raw);
      const parsed = settingsFileSchema.safeParse(raw);
      if (parsed.success) {
        // The caller saves at once when there is a warning, so the secret does not stay on disk.
        return { file: parsed.data, warning: stripped.length > 0 ? userinfoWarning(stripped) : null };
      }
      const issue = parsed.error.issues[0];
      const what = issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'unknown problem';
      reason = `invalid settings (${what})`;
    } catch {
      reason = 'not valid JSON';
    }
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    const aside = `${this.path}.corrupt-${stamp}`;
    // The copy kept for reference loses any password written inside a URL; the rest is kept as it was.
    const scrubbed = text.replace(USERINFO_IN_TEXT, '$1');
    await fs.writeFile(aside, scrubbed, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    await fs.rm(this.path, { force: true });
    return {
      file: emptySettingsFile(),
      warning:
        `settings.json was ${reason}; it was moved aside to ${path.basename(aside)} and defaults are in use. ` +
        `Portals must be added again (the old file is kept for reference${
          scrubbed !== text ? ', without the user names and passwords that were inside its URLs' : ''
        }).`,
    };
  }

  private async writeText(text: string): Promise<void> {
    const tmp = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await fs.writeFile(tmp, text, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
      await fs.rename(tmp, this.path);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }
}
