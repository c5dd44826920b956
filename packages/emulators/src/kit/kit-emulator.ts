import { mergeFaults } from './kit-faults';
import { createServer } from 'node:http';
import { closeServer, listen } from '../http/serve';
import { kitDispatch } from './kit-dispatch';
import { type KitPlatform } from './kit-route';
import { KitState } from './kit-state';
import { type KitAccount, type KitFaults, type KitPost, type KitSettings, type KitStats } from './kit-types';

/** Where and how to run an emulator built on the kit. */
export interface KitEmulatorOptions extends Partial<KitSettings> {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

/** A running platform emulator; the methods act on the same state as the `/__emulator/*` endpoints. */
export interface KitEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`: pass it as the connector's base URLs. */
  readonly url: string;
  close(): Promise<void>;
  /** Registers an account; with `accessToken`, a token that acts as it (`ttlS` undefined: never expires). */
  addAccount(account: KitAccount, accessToken?: string, ttlS?: number): void;
  setFaults(faults: KitFaults): void;
  clearFaults(): void;
  configure(settings: Partial<KitSettings>): void;
  setMetrics(postId: string, metrics: Record<string, number>): boolean;
  posts(accountId?: string): KitPost[];
  stats(): KitStats;
  /** The state itself, for platform-specific inspection. */
  readonly state: KitState;
  reset(accounts?: boolean): void;
}

/** Starts an in-memory emulator of `platform` over HTTP. */
export async function startKitEmulator(
  platform: KitPlatform,
  options: KitEmulatorOptions = {},
): Promise<KitEmulator> {
  const { port = 0, host = '127.0.0.1', ...settings } = options;
  const state = new KitState(settings);
  const server = createServer((req, res) => {
    kitDispatch(state, platform, req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 10_000;
  const url = await listen(server, port, host);
  return {
    url,
    state,
    close: () => closeServer(server),
    addAccount: (account, accessToken, ttlS) => {
      state.addAccount(account);
      if (accessToken) state.issueToken(account.id, ttlS, accessToken);
    },
    setFaults: (faults) => {
      state.faults = mergeFaults(state.faults, faults);
    },
    clearFaults: () => {
      state.faults = {};
    },
    configure: (changes) => {
      state.settings = { ...state.settings, ...changes };
    },
    setMetrics: (postId, metrics) => {
      const post = state.posts.get(postId);
      if (post) Object.assign(post.metrics, metrics);
      return post !== undefined;
    },
    posts: (accountId) =>
      [...state.posts.values()].filter((p) => accountId === undefined || p.accountId === accountId),
    stats: () => structuredClone(state.stats),
    reset: (accounts) => state.reset(accounts),
  };
}
