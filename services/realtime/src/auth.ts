import { type TokenConfig, bearerToken, InvalidTokenError, verifyAccessToken } from '@vibetribe/runtime';
import type { Logger } from '@vibetribe/runtime';
import type { Access } from './access';
import { SocketError } from './errors';
import { handshakeAuth } from './schemas';
import type { RealtimeSocket } from './types';

type Next = (err?: Error) => void;

/** The error a refused handshake reaches the client with: `connect_error` carries `message` and `data.type`. */
function refusal(type: SocketError['type'], message: string): Error {
  return Object.assign(new SocketError(type, message), { data: { type } });
}

function handshakeToken(token: string | undefined, socket: RealtimeSocket): string | undefined {
  if (token) return token.replace(/^Bearer\s+/i, '');
  return bearerToken(socket.handshake.headers.authorization);
}

/**
 * The handshake middleware: an access token in `auth.token` or `Authorization: Bearer`, verified, and the
 * user's organizations looked up before the connection completes, so no event slips by before the rooms
 * are joined.
 */
export function authenticate(jwt: TokenConfig, access: Access, logger: Logger) {
  return (socket: RealtimeSocket, next: Next): void => {
    const auth = handshakeAuth.safeParse(socket.handshake.auth ?? {});
    if (!auth.success) {
      const message = auth.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      next(refusal('validation', `invalid auth: ${message}`));
      return;
    }
    const { token: sent, lastSeq, rooms = [] } = auth.data;
    const token = handshakeToken(sent, socket);
    if (!token) {
      next(
        refusal(
          'unauthorized',
          'unauthorized: send an access token in auth.token or an Authorization header',
        ),
      );
      return;
    }
    let claims;
    try {
      claims = verifyAccessToken(jwt, token);
    } catch (err) {
      const reason = err instanceof InvalidTokenError ? err.reason : 'unverifiable';
      next(refusal('unauthorized', `unauthorized: invalid access token (${reason})`));
      return;
    }
    access.orgsOf(claims.sub).then(
      (orgIds) => {
        socket.data = {
          userId: claims.sub,
          tokenExp: claims.exp,
          orgIds,
          postOrgs: new Map(),
          typing: new Map(),
          resume: { ...(lastSeq === undefined ? {} : { lastSeq }), rooms },
          syncing: true,
        };
        next();
      },
      (err: unknown) => {
        logger.error({ err }, 'membership lookup failed during handshake');
        next(refusal('unavailable', 'unavailable: try again shortly'));
      },
    );
  };
}
