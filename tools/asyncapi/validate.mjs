// Validates AsyncAPI documents with the official parser (@asyncapi/parser, pinned in package.json).
// Prints every diagnostic; exits 1 on any error or warning, or when no document comes back.
// Usage: node tools/asyncapi/validate.mjs docs/asyncapi.json [more.json ...]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const NAMES = { 0: "error", 1: "warning", 2: "information", 3: "hint" };
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE...");
  process.exit(2);
}
const parser = new Parser();
let failed = false;
for (const file of files) {
  const source = resolve(file);
  const { document, diagnostics } = await parser.parse(readFileSync(source, "utf8"), { source });
  const count = (severity) => diagnostics.filter((d) => d.severity === severity).length;
  for (const d of diagnostics) {
    const where = d.path.join("/") || "(document)";
    console.log(`${file}: ${NAMES[d.severity]} ${d.code}: ${d.message} at ${where}`);
  }
  const errors = count(DiagnosticSeverity.Error);
  const warnings = count(DiagnosticSeverity.Warning);
  console.log(
    `${file}: ${errors} errors, ${warnings} warnings, ` +
      `${count(DiagnosticSeverity.Information)} information, ${count(DiagnosticSeverity.Hint)} hints; ` +
      `document ${document ? "parsed" : "NOT returned"}`,
  );
  failed ||= errors > 0 || warnings > 0 || !document;
}
process.exit(failed ? 1 : 0);
