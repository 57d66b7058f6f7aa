import type { DialectName } from '../domain/dialect';
import type { PortalConfig, WorkshopDefinition, WorkshopEntry } from '../domain/portal-config';

/** The portal the engine runs when no config file is given: a few sample workshops for demos and tests. */

function definition(
  name: string,
  title: string,
  description: string,
  extra: Partial<WorkshopDefinition>,
): WorkshopDefinition {
  return {
    name,
    title,
    description,
    vendor: 'portal-console',
    authors: ['portal-console demo'],
    difficulty: 'beginner',
    duration: '',
    tags: [],
    labels: {},
    logo: '',
    url: '',
    parameters: [],
    ...extra,
  };
}

function entry(position: number, workshop: WorkshopDefinition, settings: Partial<WorkshopEntry>): WorkshopEntry {
  const durationS = settings.durationS ?? 0;
  return {
    name: workshop.name,
    alias: null,
    position,
    capacity: 10,
    reserved: 1,
    initial: 1,
    durationS,
    overtimeS: 0,
    deadlineS: durationS,
    orphanedS: 0,
    overdueS: 0,
    labels: { ...workshop.labels },
    workshop,
    ...settings,
  };
}

/** The demo portal in the given dialect: `demo-portal` (Educates) or `lc-demo-portal` (Learning Center). */
export function demoPortalConfig(dialect: DialectName = 'educates'): PortalConfig {
  const workshops = [
    entry(
      0,
      definition(
        'lab-k8s-fundamentals',
        'Kubernetes Fundamentals',
        'Deploy, scale and expose your first application on Kubernetes.',
        {
          duration: '45m',
          tags: ['kubernetes', 'beginner'],
          labels: { track: 'platform' },
        },
      ),
      { capacity: 20, reserved: 2, initial: 2, durationS: 45 * 60, labels: { track: 'platform' } },
    ),
    entry(
      1,
      definition(
        'lab-container-images',
        'Building Container Images',
        'Write Dockerfiles, use multi-stage builds and scan images.',
        {
          duration: '30m',
          tags: ['containers', 'docker'],
          labels: { track: 'developer' },
        },
      ),
      { capacity: 10, reserved: 1, initial: 1, durationS: 30 * 60, labels: { track: 'developer' } },
    ),
    entry(
      2,
      definition(
        'lab-gitops-workflow',
        'GitOps Workflow',
        'Drive deployments from Git with a reconciling controller. Sessions can be extended.',
        {
          duration: '60m',
          difficulty: 'intermediate',
          tags: ['gitops', 'ci-cd'],
          labels: { track: 'platform' },
        },
      ),
      {
        capacity: 15,
        reserved: 1,
        initial: 1,
        durationS: 60 * 60,
        overtimeS: 15 * 60,
        deadlineS: 90 * 60,
        labels: { track: 'platform' },
      },
    ),
    entry(
      3,
      definition('lab-observability-basics', 'Observability Basics', 'Metrics, logs and traces for a small service.', {
        duration: '40m',
        tags: ['observability'],
        labels: { track: 'operations' },
      }),
      { capacity: 10, reserved: 1, initial: 0, durationS: 40 * 60, labels: { track: 'operations' } },
    ),
  ];
  return {
    name: dialect === 'learningcenter' ? 'lc-demo-portal' : 'demo-portal',
    dialect,
    source: dialect === 'learningcenter' ? 'built-in Learning Center demo portal' : 'built-in demo portal',
    fromFile: false,
    maximum: 40,
    registered: 2,
    anonymous: 2,
    registrationType: 'anonymous',
    registrationEnabled: true,
    index: null,
    catalogVisibility: 'private',
    labels: { event: 'demo' },
    webhookUrl: null,
    credentials: { admin: {}, robot: {} },
    workshops,
  };
}
