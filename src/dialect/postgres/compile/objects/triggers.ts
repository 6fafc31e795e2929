/** Triggers: CREATE [OR REPLACE] TRIGGER, DROP TRIGGER, ALTER TABLE ... ENABLE/DISABLE TRIGGER, COMMENT. */
import { triggerDefinition, type TriggerObject } from "../../../../model/objects/trigger.ts";
import { ident, identList, literal, qualified } from "../../quote.ts";
import type { ObjectCompiler } from "../object_compiler.ts";

const on = (t: TriggerObject) => `${ident(t.name)} ON ${qualified(t.schema, t.table)}`;

function createTrigger(t: TriggerObject, replace: boolean): string {
  const events = t.events.map((e) =>
    e === "update" && t.updateColumns ? `UPDATE OF ${identList(t.updateColumns)}` : e.toUpperCase()
  );
  const transition = [
    ...(t.referencing?.oldTable !== undefined ? [` OLD TABLE AS ${ident(t.referencing.oldTable)}`] : []),
    ...(t.referencing?.newTable !== undefined ? [` NEW TABLE AS ${ident(t.referencing.newTable)}`] : []),
  ];
  const referencing = transition.length > 0 ? ` REFERENCING${transition.join("")}` : "";
  return [
    `CREATE${replace ? " OR REPLACE" : ""} TRIGGER ${ident(t.name)} ${t.timing.toUpperCase()} ${events.join(" OR ")}`,
    `ON ${qualified(t.schema, t.table)}${referencing} FOR EACH ${t.forEach.toUpperCase()}`,
    ...(t.when !== undefined ? [`WHEN (${t.when})`] : []),
    `EXECUTE FUNCTION ${qualified(t.function.schema, t.function.name)}(${t.arguments.map(literal).join(", ")})`,
  ].join("\n");
}

const ENABLE = { origin: "ENABLE", disabled: "DISABLE", replica: "ENABLE REPLICA", always: "ENABLE ALWAYS" };

const enable = (t: TriggerObject) =>
  `ALTER TABLE ${qualified(t.schema, t.table)} ${ENABLE[t.enabled]} TRIGGER ${ident(t.name)}`;

const comment = (t: TriggerObject) =>
  `COMMENT ON TRIGGER ${on(t)} IS ${t.comment !== undefined ? literal(t.comment) : "NULL"}`;

export const triggerCompiler: ObjectCompiler<TriggerObject> = {
  create: (t) => [
    createTrigger(t, false),
    ...(t.enabled !== "origin" ? [enable(t)] : []),
    ...(t.comment !== undefined ? [comment(t)] : []),
  ],
  drop: (t) => [`DROP TRIGGER ${on(t)}`],
  alter: (from, to) => {
    const replaced = triggerDefinition(from) !== triggerDefinition(to);
    return [
      ...(replaced ? [createTrigger(to, true)] : []),
      // A replaced trigger may come back enabled.
      ...(from.enabled !== to.enabled || (replaced && to.enabled !== "origin") ? [enable(to)] : []),
      ...(from.comment !== to.comment ? [comment(to)] : []),
    ];
  },
};
