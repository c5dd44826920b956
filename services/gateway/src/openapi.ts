import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { registry } from './lib/api';

/** No U+0000 (PostgreSQL text cannot hold it): validate() refuses it in every string of every request. */
const NO_NUL = '^[^\\x00]*$';

/**
 * States the NUL rule on every string the document leaves otherwise free: one without a pattern, a
 * format or a list of values (those exclude NUL already).
 */
function stateNoNul(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(stateNoNul);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const isString = schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'));
  if (isString && !('pattern' in schema || 'format' in schema || 'enum' in schema || 'const' in schema))
    schema.pattern = NO_NUL;
  Object.values(schema).forEach(stateNoNul);
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument(serverUrl: string) {
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'VibeTribe API',
      version: '1.0.0',
      description:
        'Schedule posts to social platforms and watch them go out. Errors are application/problem+json with a stable `type`.',
    },
    servers: [{ url: serverUrl }],
  });
  stateNoNul(document.paths);
  stateNoNul(document.components?.schemas);
  return document;
}
