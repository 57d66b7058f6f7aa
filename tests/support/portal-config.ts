/**
 * Tiny builders for engine config files: multi-document YAML of one TrainingPortal and its Workshop documents,
 * as users `kubectl apply` them. They only assemble plain objects; anything the builders do not name can be
 * passed through `spec`/`portal` so tests can also write odd or invalid documents.
 */
import { stringify } from 'yaml';

export const EDUCATES_API = 'training.educates.dev/v1beta1';
export const LEARNING_CENTER_API = 'learningcenter.tanzu.vmware.com/v1beta1';

export type Duration = string | number;

/** One `spec.workshops[]` entry of a TrainingPortal. */
export interface PortalWorkshopEntry {
  name: string;
  capacity?: number;
  reserved?: number;
  initial?: number;
  expires?: Duration;
  overtime?: Duration;
  deadline?: Duration;
  orphaned?: Duration;
  overdue?: Duration;
  labels?: Record<string, string>;
  alias?: string;
  [field: string]: unknown;
}

export interface WorkshopSpec {
  title?: string;
  description?: string;
  vendor?: string;
  authors?: string[];
  difficulty?: string;
  duration?: string;
  tags?: string[];
  labels?: Record<string, string>;
  logo?: string;
  url?: string;
  [field: string]: unknown;
}

export function workshopDoc(name: string, spec: WorkshopSpec = {}, apiVersion = EDUCATES_API): Record<string, unknown> {
  return {
    apiVersion,
    kind: 'Workshop',
    metadata: { name },
    spec: { title: `Workshop ${name}`, description: `Description of ${name}`, ...spec },
  };
}

export interface TrainingPortalInput {
  name: string;
  /** `spec.portal` (sessions, credentials, clients, workshop.defaults, catalog, index, labels …). */
  portal?: Record<string, unknown>;
  workshops: PortalWorkshopEntry[];
  /** Other top-level spec keys, e.g. `{analytics: {webhook: {url}}}`. */
  spec?: Record<string, unknown>;
  apiVersion?: string;
}

export function trainingPortalDoc(input: TrainingPortalInput): Record<string, unknown> {
  return {
    apiVersion: input.apiVersion ?? EDUCATES_API,
    kind: 'TrainingPortal',
    metadata: { name: input.name },
    spec: { ...(input.portal ? { portal: input.portal } : {}), workshops: input.workshops, ...input.spec },
  };
}

/** Joins documents into one multi-document YAML text. */
export function yamlDocs(...docs: Array<Record<string, unknown>>): string {
  return docs.map((d) => stringify(d)).join('---\n');
}

export interface SimplePortalInput extends Omit<TrainingPortalInput, 'workshops'> {
  /** Portal entries; a Workshop document is generated for each distinct name (override with `workshopSpecs`). */
  workshops: PortalWorkshopEntry[];
  workshopSpecs?: Record<string, WorkshopSpec>;
}

/** A complete config: the TrainingPortal plus one Workshop document per distinct workshop name. */
export function portalConfig(input: SimplePortalInput): string {
  const names = [...new Set(input.workshops.map((w) => w.name))];
  const workshops = names.map((n) => workshopDoc(n, input.workshopSpecs?.[n] ?? {}, input.apiVersion ?? EDUCATES_API));
  return yamlDocs(...workshops, trainingPortalDoc(input));
}
