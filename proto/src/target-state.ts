import { create } from '@bufbuild/protobuf';
import { type TargetState, TargetStateSchema } from './gen/vibetribe/events/v1/post_pb';

/** A post target as every publisher of `TargetState` knows it (gateway rows, worker rows). */
export interface TargetStateSource {
  targetId: string;
  accountId: string;
  platform: string;
  status: string;
  platformPostId?: string | null;
  url?: string | null;
  lastError?: { kind: string; message: string } | null;
  attempts: number;
  /** The target's account is a sandbox one (an emulator's): its events say so, as the API does. */
  sandbox: boolean;
}

/** The `TargetState` of a target: the error fields are set only while the target is failed, as the schema says. */
export function targetState(t: TargetStateSource): TargetState {
  const failed = t.status === 'failed';
  return create(TargetStateSchema, {
    targetId: t.targetId,
    accountId: t.accountId,
    platform: t.platform,
    status: t.status,
    platformPostId: t.platformPostId ?? '',
    url: t.url ?? '',
    errorKind: failed ? (t.lastError?.kind ?? '') : '',
    errorMessage: failed ? (t.lastError?.message ?? '') : '',
    attempts: t.attempts,
    sandbox: t.sandbox,
  });
}
