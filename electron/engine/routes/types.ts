import type { EngineRequest } from '../http/request';
import type { Reply } from '../http/reply';
import type { LoginGuard } from './login-guard';
import type { Dialect } from '../domain/dialect';
import type { UserRecord } from '../domain/model';
import type { Portal } from '../state/portal';
import type { CatalogCache } from './catalog-cache';
import type { Views } from './views';

export interface EngineContext {
  portal: Portal;
  /** the API dialect the engine speaks */
  dialect: Dialect;
  /** the JSON bodies, in the engine's dialect */
  views: Views;
  /** the catalog body, kept serialized */
  catalog: CatalogCache;
  log: (line: string) => void;
  /** the password grant's timing equalizer and failure throttle */
  logins: LoginGuard;
}

/** A request matched to a route: the path's named parts in `params`. */
export interface Context extends EngineRequest {
  params: Record<string, string>;
}

/**
 * `bearer`: a valid token is required (403 with an empty body otherwise) and checked before the method;
 * `catalog`: like bearer unless the catalog is public; `none`: no token (OAuth endpoints and browser pages).
 */
export type AuthMode = 'bearer' | 'catalog' | 'none';

export interface Route {
  pattern: RegExp;
  methods: string[];
  auth: AuthMode;
  handler: (ctx: Context, caller: UserRecord | null, engine: EngineContext) => Reply | Promise<Reply>;
  /** the dialects that have this route (default: all); elsewhere it answers 404 like any unknown path */
  when?: (dialect: Dialect) => boolean;
}
