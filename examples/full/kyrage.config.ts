import { defineConfig } from "kyrage";
import { accounts, invoices, users } from "./schema.ts";

export default defineConfig({ tables: [accounts, invoices, users] });
