// Validates a Backstage catalog file with Backstage's own code, as its
// catalog does when it reads a location: each YAML document through the
// default entity policies (`EntityPolicies.allOf` of the catalog backend's
// four), then through its kind's validator, where `false` (not this kind)
// is a failure too; then every entity reference must resolve to an
// entity of the file (`parseEntityRef`).
//
// Usage: node tests/backstage/validate.mjs FILE
// Prints one line per kind and `valid N entities`; exit 1 on any problem.

import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  parseEntityRef,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';

const validators = {
  Component: componentEntityV1alpha1Validator,
  Domain: domainEntityV1alpha1Validator,
  Group: groupEntityV1alpha1Validator,
  System: systemEntityV1alpha1Validator,
  User: userEntityV1alpha1Validator,
};

const policy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

const problems = [];
const entities = [];
const file = process.argv[2];
const documents = parseAllDocuments(readFileSync(file, 'utf8'));

for (const [i, doc] of documents.entries()) {
  if (doc.errors.length > 0) {
    problems.push(`document ${i + 1}: YAML: ${doc.errors.map(e => e.message).join('; ')}`);
    continue;
  }
  const raw = doc.toJS();
  try {
    const entity = await policy.enforce(raw);
    const validator = validators[entity.kind];
    if (!validator) {
      throw new Error(`unexpected kind ${entity.kind}`);
    }
    if ((await validator.check(entity)) !== true) {
      throw new Error(`the ${entity.kind} validator did not accept it`);
    }
    entities.push(entity);
  } catch (e) {
    problems.push(`document ${i + 1} (${raw?.kind} ${raw?.metadata?.name}): ${e.message}`);
  }
}

// Every entity once; every reference to one of them.
const known = new Set();
for (const entity of entities) {
  const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  if (known.has(ref)) {
    problems.push(`${ref} is declared twice`);
  }
  known.add(ref);
}
const references = entity => {
  const spec = entity.spec ?? {};
  const one = ['owner', 'system', 'domain', 'parent', 'subcomponentOf', 'subdomainOf'];
  const many = ['dependsOn', 'members', 'memberOf', 'children'];
  return [
    ...one.filter(k => spec[k] !== undefined).map(k => [k, spec[k]]),
    ...many.flatMap(k => (spec[k] ?? []).map(r => [k, r])),
  ];
};
let count = 0;
for (const entity of entities) {
  for (const [field, ref] of references(entity)) {
    count += 1;
    try {
      const parsed = parseEntityRef(ref, { defaultNamespace: 'default' });
      const target = stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
      if (!known.has(target)) {
        problems.push(`${stringifyEntityRef(entity)} ${field} ${ref}: no such entity`);
      }
    } catch (e) {
      problems.push(`${stringifyEntityRef(entity)} ${field} ${ref}: ${e.message}`);
    }
  }
}

const kinds = {};
for (const entity of entities) {
  kinds[entity.kind] = (kinds[entity.kind] ?? 0) + 1;
}
for (const kind of Object.keys(kinds).sort()) {
  console.log(`${kind} ${kinds[kind]}`);
}
if (problems.length > 0) {
  for (const p of problems) {
    console.error(p);
  }
  process.exit(1);
}
console.log(`valid ${entities.length} entities, ${count} references resolved`);
