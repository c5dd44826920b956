import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { registry } from './lib/api';

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument(serverUrl: string) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'VibeTribe API',
      version: '1.0.0',
      description:
        'Schedule posts to social platforms and watch them go out. Errors are application/problem+json with a stable `type`.',
    },
    servers: [{ url: serverUrl }],
  });
}
