import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from './names';

/** `VtPostStatus`: the post's status, for visibility queries (`VtPostStatus = 'failed'`). */
export const postStatusKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.status, SearchAttributeType.KEYWORD);

/** `VtScheduledAt`: when the post is due; cleared once it no longer waits. */
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
