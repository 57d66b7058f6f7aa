import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { settingsSchema, type Settings } from '../../shared/contract';
import { ensurePrivateDir, ensurePrivateFile, PRIVATE_FILE_MODE } from './private-files';

/** Defaults: alert at 90% of an environment's capacity, and for sessions expiring within 10 minutes. */
export const defaultSettings: Settings = {
  alerts: { capacityPercent: 90, expiringMinutes: 10, notifyOs: true },
  theme: 'system',
};

/** A remote portal as stored on disk. Secrets are never part of it: they live in the SecretStore. */
export const storedPortalSchema = z.object({
  id: z.string().regex(/^[-a-zA-Z0-9_]+$/).max(100),
  label: z.string().min(1).max(100),
  baseUrl: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1).max(200),
  username: z.string().min(1).max(150),
  pollIntervalMs: z.number().int().min(1000).max(600_000),
  /** null: the portal's own catalog page (see docs/console.md) */
  defaultIndexUrl: z.url({ protocol: /^https?$/ }).nullable(),
  enabled: z.boolean(),
});
export type StoredPortal = z.infer<typeof storedPortalSchema>;

/** What the user may change about the built-in portal (its URL and credentials come from the shell each run). */
export const builtinPrefsSchema = z.object({
  enabled: z.boolean(),
  pollIntervalMs: z.number().int().min(1000).max(600_000),
  defaultIndexUrl: z.url({ protocol: /^https?$/ }).nullable(),
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

export interface LoadResult {
  file: SettingsFile;
  /** set when the file was unreadable or invalid and has been moved aside */
  warning: string | null;
}

/**
 * `<dataDir>/settings.json`: no secrets, validated on load, written atomically (temp file + rename) so a crash
 * mid-write never leaves half a file. A corrupt or invalid file is moved aside, never silently dropped.
 */
export class SettingsStore {
  readonly file: string;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = path.join(dataDir, 'settings.json');
  }

  async load(): Promise<LoadResult> {
    ensurePrivateDir(this.dataDir);
    // A file written by hand or by an older version may be readable by others: tightened before it is read.
    ensurePrivateFile(this.file);
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file: emptySettingsFile(), warning: null };
      throw err;
    }
    let reason: string;
    try {
      const parsed = settingsFileSchema.safeParse(JSON.parse(text.replace(/^\uFEFF/, '')));
      if (parsed.success) return { file: parsed.data, warning: null };
      const issue = parsed.error.issues[0];
      reason = `invalid settings (${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'unknown problem'})`;
    } catch {
      reason = 'not valid JSON';
    }
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    const aside = `${this.file}.corrupt-${stamp}`;
    await fs.rename(this.file, aside);
    ensurePrivateFile(aside);
    return {
      file: emptySettingsFile(),
      warning: `settings.json was ${reason}; it was moved aside to ${path.basename(aside)} and defaults are in use. Portals must be added again (the old file is kept for reference).`,
    };
  }

  /** writes are serialized so two quick updates cannot interleave their temp files */
  save(file: SettingsFile): Promise<void> {
    const text = `${JSON.stringify(file, null, 2)}\n`;
    const run = this.chain.then(() => this.write(text));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(text: string): Promise<void> {
    const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await fs.writeFile(tmp, text, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
      await fs.rename(tmp, this.file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }
}
