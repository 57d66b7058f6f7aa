import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { parseDuration } from './durations';
import { dialectOfGroup, EDUCATES, LEARNING_CENTER } from '../domain/dialect';
import type { PortalConfig, RequestParameter, WorkshopDefinition, WorkshopEntry } from '../domain/portal-config';

/** A bad config file. The message names the file, the document (index, kind, name) and the field path. */
export class EngineConfigError extends Error {
  override name = 'EngineConfigError';
}

const GROUPS = [EDUCATES.apiGroup, LEARNING_CENTER.apiGroup];
const VERSIONS = ['v1beta1', 'v1alpha1', 'v1alpha2'];

type Obj = <S extends z.ZodRawShape>(shape: S) => z.ZodObject<S>;

/**
 * The schemas are built twice: strict (to list unknown fields as warnings) and stripping (to get the data).
 * Kubernetes `metadata` always allows extra keys (namespace, labels, annotations…).
 */
function schemas(obj: Obj) {
  const duration = z
    .union([z.number(), z.string()])
    .refine((v) => parseDuration(v) !== null, {
      message: 'expected a duration like "30m", "1h", "90s" or integer seconds',
    })
    .transform((v) => parseDuration(v) ?? 0);
  const count = z.number().int().min(0);
  const labelValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
  const labels = z.union([
    z.record(z.string(), labelValue),
    z.array(obj({ name: z.string().min(1), value: labelValue.optional() })),
  ]);
  const metadata = z.looseObject({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS name'),
  });
  const workshopSettings = {
    capacity: count.optional(),
    reserved: count.optional(),
    initial: count.optional(),
    expires: duration.optional(),
    overtime: duration.optional(),
    deadline: duration.optional(),
    orphaned: duration.optional(),
    overdue: duration.optional(),
    labels: labels.optional(),
  };
  const credentialPair = obj({ username: z.string().min(1).optional(), password: z.string().min(1).optional() });
  const trainingPortal = obj({
    apiVersion: z.string(),
    kind: z.literal('TrainingPortal'),
    metadata,
    spec: obj({
      portal: obj({
        sessions: obj({
          maximum: count.optional(),
          registered: count.optional(),
          anonymous: count.optional(),
        }).optional(),
        credentials: obj({ admin: credentialPair.optional(), robot: credentialPair.optional() }).optional(),
        clients: obj({
          robot: obj({ id: z.string().min(1).optional(), secret: z.string().min(1).optional() }).optional(),
        }).optional(),
        registration: obj({
          type: z.enum(['one-step', 'anonymous']).optional(),
          enabled: z.boolean().optional(),
        }).optional(),
        index: z.string().min(1).optional(),
        catalog: obj({ visibility: z.enum(['public', 'private']).optional() }).optional(),
        labels: labels.optional(),
        workshop: obj({ defaults: obj(workshopSettings).optional() }).optional(),
        capacity: count.optional(),
        reserved: count.optional(),
        initial: count.optional(),
        expires: duration.optional(),
        orphaned: duration.optional(),
      }).optional(),
      analytics: obj({ webhook: obj({ url: z.url({ protocol: /^https?$/ }).optional() }).optional() }).optional(),
      workshops: z
        .array(obj({ name: z.string().min(1), alias: z.string().min(1).optional(), ...workshopSettings }))
        .optional(),
    }).optional(),
  });
  const workshop = obj({
    apiVersion: z.string(),
    kind: z.literal('Workshop'),
    metadata,
    spec: obj({
      title: z.string().optional(),
      description: z.string().optional(),
      vendor: z.string().optional(),
      authors: z.array(z.string()).optional(),
      difficulty: z.string().optional(),
      duration: z.string().optional(),
      tags: z.array(z.string()).optional(),
      labels: labels.optional(),
      logo: z.string().optional(),
      url: z.string().optional(),
      request: obj({
        parameters: z
          .array(
            obj({
              name: z.string().min(1),
              value: z.string().optional(),
              generate: z.string().optional(),
              from: z.string().optional(),
            }),
          )
          .optional(),
      }).optional(),
    }).optional(),
  });
  return { trainingPortal, workshop };
}

const strict = schemas((shape) => z.strictObject(shape));
const loose = schemas((shape) => z.object(shape));

type PortalDoc = z.output<typeof loose.trainingPortal>;
type WorkshopDoc = z.output<typeof loose.workshop>;
type Labels = z.output<typeof loose.trainingPortal>['spec'] extends infer S
  ? S extends { portal?: { labels?: infer L } }
    ? NonNullable<L>
    : never
  : never;

function labelMap(value: Labels | undefined): Record<string, string> {
  if (value === undefined) return {};
  if (Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const item of value) out[item.name] = item.value ?? '';
    return out;
  }
  return { ...value };
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out === '' ? '(document)' : out;
}

interface Located {
  index: number;
  kind: string;
  name: string;
}

function where(file: string, doc: Located): string {
  return `${file}: document ${doc.index + 1} (${doc.kind}${doc.name === '' ? '' : ` "${doc.name}"`})`;
}

function validate<T extends z.ZodType>(
  file: string,
  doc: Located,
  value: unknown,
  strictSchema: z.ZodType,
  looseSchema: T,
  warn: (line: string) => void,
): z.output<T> {
  const checked = strictSchema.safeParse(value);
  if (!checked.success) {
    const errors = checked.error.issues.filter((i) => i.code !== 'unrecognized_keys');
    const first = errors[0];
    if (first !== undefined) {
      throw new EngineConfigError(`${where(file, doc)}: ${pathText(first.path)}: ${first.message}`);
    }
    for (const issue of checked.error.issues) {
      if (issue.code !== 'unrecognized_keys') continue;
      for (const key of issue.keys) {
        warn(`${where(file, doc)}: ignoring unknown field ${pathText([...issue.path, key])} (not used by the engine)`);
      }
    }
  }
  const parsed = looseSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EngineConfigError(`${where(file, doc)}: ${pathText(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Checks the document's apiVersion and returns its API group. */
function checkApiVersion(file: string, doc: Located, apiVersion: unknown): string {
  const [group, version] = typeof apiVersion === 'string' ? apiVersion.split('/') : [];
  if (group === undefined || version === undefined || !GROUPS.includes(group) || !VERSIONS.includes(version)) {
    throw new EngineConfigError(
      `${where(file, doc)}: apiVersion: expected one of ${GROUPS.map((g) => `${g}/v1beta1`).join(', ')} ` +
        `(or v1alpha1/v1alpha2), got ${JSON.stringify(apiVersion)}`,
    );
  }
  return group;
}

function workshopDefinition(doc: WorkshopDoc): WorkshopDefinition {
  const spec = doc.spec ?? {};
  const parameters: RequestParameter[] = (spec.request?.parameters ?? []).map((p) => ({
    name: p.name,
    value: p.value ?? '',
    generate: p.generate ?? null,
    from: p.from ?? null,
  }));
  return {
    name: doc.metadata.name,
    title: spec.title ?? '',
    description: spec.description ?? '',
    vendor: spec.vendor ?? '',
    authors: spec.authors ?? [],
    difficulty: spec.difficulty ?? '',
    duration: spec.duration ?? '',
    tags: spec.tags ?? [],
    labels: labelMap(spec.labels),
    logo: spec.logo ?? '',
    url: spec.url ?? '',
    parameters,
  };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

function buildConfig(
  file: string,
  portalDoc: Located,
  portal: PortalDoc,
  workshops: Map<string, WorkshopDefinition>,
  warn: (line: string) => void,
): Omit<PortalConfig, 'dialect'> {
  const spec = portal.spec ?? {};
  const p = spec.portal ?? {};
  const maximum = p.sessions?.maximum ?? 0;
  const registered = p.sessions?.registered ?? 0;
  const defaults = p.workshop?.defaults ?? {};
  const entries: WorkshopEntry[] = [];
  const seen = new Set<string>();
  (spec.workshops ?? []).forEach((entry, i) => {
    const workshop = workshops.get(entry.name);
    if (workshop === undefined) {
      throw new EngineConfigError(
        `${where(file, portalDoc)}: spec.workshops[${i}].name: no Workshop document named "${entry.name}" in this file`,
      );
    }
    const published = entry.alias ?? entry.name;
    if (seen.has(published)) {
      throw new EngineConfigError(
        `${where(file, portalDoc)}: spec.workshops[${i}].name: workshop "${published}" is listed twice`,
      );
    }
    seen.add(published);
    const capacity = entry.capacity ?? defaults.capacity ?? p.capacity ?? maximum;
    const reserved = clamp(entry.reserved ?? defaults.reserved ?? p.reserved ?? 1, 0, capacity);
    let initial = clamp(entry.initial ?? defaults.initial ?? p.initial ?? reserved, 0, capacity);
    if (initial !== 0) initial = Math.max(initial, reserved);
    const expires = entry.expires ?? defaults.expires ?? p.expires ?? 0;
    const deadlineSetting = entry.deadline ?? defaults.deadline ?? 0;
    if (capacity === 0)
      warn(
        `${file}: workshop "${published}" has capacity 0 (no portal maximum and no capacity): ` +
          'no session can be created',
      );
    entries.push({
      name: entry.name,
      alias: entry.alias ?? null,
      position: i,
      capacity,
      reserved,
      initial,
      durationS: expires,
      overtimeS: entry.overtime ?? defaults.overtime ?? 0,
      deadlineS: deadlineSetting === 0 || deadlineSetting < expires ? expires : deadlineSetting,
      orphanedS: entry.orphaned ?? defaults.orphaned ?? p.orphaned ?? 0,
      overdueS: entry.overdue ?? defaults.overdue ?? 0,
      labels: { ...labelMap(defaults.labels), ...workshop.labels, ...labelMap(entry.labels) },
      workshop,
    });
  });
  const robot: PortalConfig['credentials']['robot'] = {};
  if (p.credentials?.robot?.username !== undefined) robot.username = p.credentials.robot.username;
  if (p.credentials?.robot?.password !== undefined) robot.password = p.credentials.robot.password;
  if (p.clients?.robot?.id !== undefined) robot.clientId = p.clients.robot.id;
  if (p.clients?.robot?.secret !== undefined) robot.clientSecret = p.clients.robot.secret;
  const admin: PortalConfig['credentials']['admin'] = {};
  if (p.credentials?.admin?.username !== undefined) admin.username = p.credentials.admin.username;
  if (p.credentials?.admin?.password !== undefined) admin.password = p.credentials.admin.password;
  return {
    name: portal.metadata.name,
    source: `config file ${file}`,
    fromFile: true,
    maximum,
    registered,
    anonymous: p.sessions?.anonymous ?? registered,
    registrationType: p.registration?.type ?? 'one-step',
    registrationEnabled: p.registration?.enabled ?? true,
    index: p.index ?? null,
    catalogVisibility: p.catalog?.visibility ?? 'private',
    labels: labelMap(p.labels),
    webhookUrl: spec.analytics?.webhook?.url ?? null,
    credentials: { admin, robot },
    workshops: entries,
  };
}

/** Parses and validates a multi-document YAML config from its text. Pure apart from `warn`. */
export function parsePortalConfig(file: string, text: string, warn: (line: string) => void): PortalConfig {
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(docs)) {
    throw new EngineConfigError(`${file}: not a YAML stream`);
  }
  let portal: { doc: Located; data: PortalDoc; group: string } | null = null;
  const workshops = new Map<string, WorkshopDefinition>();
  docs.forEach((document, index) => {
    const yamlError = document.errors[0];
    if (yamlError !== undefined) {
      throw new EngineConfigError(
        `${file}: document ${index + 1}: YAML error: ${yamlError.message.split('\n')[0] ?? ''}`,
      );
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return; // empty document, e.g. a trailing `---`
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new EngineConfigError(`${file}: document ${index + 1}: expected a mapping with apiVersion and kind`);
    }
    const record = value as Record<string, unknown>;
    const meta = record['metadata'];
    const name =
      typeof meta === 'object' && meta !== null && typeof (meta as Record<string, unknown>)['name'] === 'string'
        ? String((meta as Record<string, unknown>)['name'])
        : '';
    const kind = typeof record['kind'] === 'string' ? record['kind'] : '';
    const located: Located = { index, kind: kind === '' ? 'no kind' : kind, name };
    if (kind === 'TrainingPortal') {
      const group = checkApiVersion(file, located, record['apiVersion']);
      const data = validate(file, located, value, strict.trainingPortal, loose.trainingPortal, warn);
      if (portal !== null) {
        throw new EngineConfigError(
          `${where(file, located)}: kind: a config holds exactly one TrainingPortal ` +
            `(the first is document ${portal.doc.index + 1})`,
        );
      }
      portal = { doc: located, data, group };
    } else if (kind === 'Workshop') {
      checkApiVersion(file, located, record['apiVersion']);
      const data = validate(file, located, value, strict.workshop, loose.workshop, warn);
      if (workshops.has(data.metadata.name)) {
        throw new EngineConfigError(
          `${where(file, located)}: metadata.name: a Workshop named "${data.metadata.name}" appears twice`,
        );
      }
      workshops.set(data.metadata.name, workshopDefinition(data));
    } else {
      warn(
        `${where(file, located)}: ignoring a document of kind "${kind}" (only TrainingPortal and Workshop are used)`,
      );
    }
  });
  const found = portal as { doc: Located; data: PortalDoc; group: string } | null;
  if (found === null) throw new EngineConfigError(`${file}: no TrainingPortal document (a config holds exactly one)`);
  // the TrainingPortal's API group says which portal this config was written for, and so which dialect to speak
  return { ...buildConfig(file, found.doc, found.data, workshops, warn), dialect: dialectOfGroup(found.group) };
}

export function loadPortalConfig(file: string, warn: (line: string) => void): PortalConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new EngineConfigError(`${file}: cannot read the config file (${code})`);
  }
  return parsePortalConfig(file, text, warn);
}
