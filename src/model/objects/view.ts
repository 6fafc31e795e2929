/** Views and materialized views, compared on PostgreSQL's own `pg_get_viewdef`. */
import type { ValidView } from "../../config/schema.ts";
import { desiredIndex } from "../desired_index.ts";
import { checkIndexOptions } from "../option_checks.ts";
import type { ObjectBase } from "../object_base.ts";
import { checkIdentifier, splitQualified } from "../qualified.ts";
import type { Index } from "../types.ts";

export interface ViewOptions {
  readonly securityBarrier?: boolean;
  readonly securityInvoker?: boolean;
  readonly checkOption?: "local" | "cascaded";
}

export interface ViewColumn {
  readonly name: string;
  /** As `format_type` spells it. */
  readonly type: string;
}

export interface ViewObject extends ObjectBase {
  readonly kind: "view";
  /** The query as `pg_get_viewdef` prints it (the desired one after a scratch build). */
  readonly definition: string;
  /** Read from the catalog: decides whether CREATE OR REPLACE can change the view. */
  readonly columns: readonly ViewColumn[];
  readonly options: ViewOptions;
}

export interface MaterializedViewObject extends ObjectBase {
  readonly kind: "materialized_view";
  readonly definition: string;
  readonly columns: readonly ViewColumn[];
  /** `WITH NO DATA` when false. */
  readonly withData: boolean;
  readonly indexes: readonly Index[];
}

/**
 * The config's views, before normalization: `definition` is the user's SQL
 * until the scratch build puts it in `pg_get_viewdef` form; `columns` holds
 * the names the user gave (types unknown until then).
 */
export function desiredViews(views: readonly ValidView[], path = "views"): (ViewObject | MaterializedViewObject)[] {
  return views.map((v, i): ViewObject | MaterializedViewObject => {
    const [schema, name] = splitQualified(v.name, `${path}[${i}].name`);
    checkIdentifier(`${path}[${i}].name`, name);
    const base = {
      schema,
      name,
      definition: v.query.trim().replace(/;\s*$/, ""),
      columns: (v.columns ?? []).map((c) => ({ name: c, type: "" })),
      ...(v.comment !== undefined ? { comment: v.comment } : {}),
    };
    if (v.kind === "view") {
      return {
        kind: "view",
        ...base,
        options: {
          ...(v.securityBarrier ? { securityBarrier: true } : {}),
          ...(v.securityInvoker ? { securityInvoker: true } : {}),
          ...(v.checkOption ? { checkOption: v.checkOption } : {}),
        },
      };
    }
    return {
      kind: "materialized_view",
      ...base,
      withData: v.withData ?? true,
      indexes: v.indexes.map((index, j) => {
        const desired = desiredIndex(name, index, () => undefined);
        checkIndexOptions(desired, `materialized view ${schema}.${name}`, `${path}[${i}].indexes[${j}]`);
        return desired;
      }),
    };
  });
}
