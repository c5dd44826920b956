/**
 * An organization's posts version, as a SQL expression for the organization id `orgExpr` (a column or
 * a `?` placeholder): the sum of its `post_list_versions` stripes, 0 before any write. The triggers of
 * migration 20261129003500 keep the stripes; this is the one way to read them, so every reader (a
 * cache's check, the page it caches) compares like with like. The value is a bigint (text once cast).
 */
export const postsVersionSql = (orgExpr: string): string =>
  `(SELECT coalesce(sum(s.n), 0) FROM post_list_versions s WHERE s.organization_id = ${orgExpr})`;
