import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from './names';

/** `VtPostStatus`: where the post rests (not `publishing`: see the README), for visibility queries (`VtPostStatus = 'failed'`). */
export const postStatusKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.status, SearchAttributeType.KEYWORD);

/** `VtScheduledAt`: when the post is due, moved by each reschedule. */
export const scheduledAtKey = defineSearchAttributeKey(
  SEARCH_ATTRIBUTES.scheduledAt,
  SearchAttributeType.DATETIME,
);

/** `VtPostId`: set by the starter; typed here for readers of `workflowInfo().typedSearchAttributes`. */
export const postIdKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.postId, SearchAttributeType.KEYWORD);

/** `VtOrgId`: set by the starter, like `postIdKey`. */
export const organizationIdKey = defineSearchAttributeKey(
  SEARCH_ATTRIBUTES.organizationId,
  SearchAttributeType.KEYWORD,
);

/** Every custom search attribute the workflows and their starters set (stack.sh registers the same). */
export const SEARCH_ATTRIBUTE_KEYS = [postIdKey, organizationIdKey, postStatusKey, scheduledAtKey] as const;
