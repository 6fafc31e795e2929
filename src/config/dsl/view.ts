/** Views and materialized views: `defineView(name, query, options)`. */
import type { IndexDefinition, IndexKeyInput, IndexOptions } from "./table.ts";

export interface ViewOptions {
  /** Column names, when they should differ from the query's. */
  columns?: string[];
  securityBarrier?: boolean;
  /** PostgreSQL 15+: check permissions as the querying user. */
  securityInvoker?: boolean;
  /** `WITH [LOCAL | CASCADED] CHECK OPTION` on an updatable view. */
  checkOption?: "local" | "cascaded";
  comment?: string;
}

export interface ViewDefinition extends ViewOptions {
  readonly kind: "view";
  readonly name: string;
  /** The SELECT, as SQL text; compared as PostgreSQL prints it back. */
  readonly query: string;
}

export interface MaterializedViewOptions {
  columns?: string[];
  /** `false`: created `WITH NO DATA` (refresh it yourself). Default true. */
  withData?: boolean;
  comment?: string;
}

export interface MaterializedViewDefinition extends MaterializedViewOptions {
  readonly kind: "materializedView";
  readonly name: string;
  readonly query: string;
  readonly indexes: IndexDefinition[];
}

/** `defineView("active_users", "select id, email from users where active")`; `"reports.daily"` for a schema. */
export function defineView(name: string, query: string, options: ViewOptions = {}): ViewDefinition {
  return { kind: "view", name, query, ...options };
}

/** Builders passed to the indexes callback of {@link defineMaterializedView}. */
export interface MaterializedViewBuilder {
  index(columns: IndexKeyInput[], options?: IndexOptions): IndexDefinition;
}

/**
 * `defineMaterializedView("daily_totals", "select ...", (m) => [m.index(["day"], { unique: true })])`.
 */
export function defineMaterializedView(
  name: string,
  query: string,
  indexes?: (m: MaterializedViewBuilder) => IndexDefinition[],
  options: MaterializedViewOptions = {},
): MaterializedViewDefinition {
  const builder: MaterializedViewBuilder = { index: (columns, o) => ({ kind: "index", columns, ...o }) };
  return { kind: "materializedView", name, query, indexes: indexes ? indexes(builder) : [], ...options };
}
