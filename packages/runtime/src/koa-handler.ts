import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';

/** A Koa app as a node:http request listener (Koa handles its own errors; the promise is not dropped silently). */
export function koaHandler<S, C>(app: Koa<S, C>): (req: IncomingMessage, res: ServerResponse) => void {
  const callback = app.callback();
  return (req, res) => {
    void callback(req, res);
  };
}
