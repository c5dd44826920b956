const TWITTER_EPOCH_MS = 1288834974657n;

/** Snowflake-shaped ids (ms since X's epoch, worker, sequence): numeric strings that sort by time. */
export function createSnowflakes(workerId = 1): () => string {
  let lastMs = 0n;
  let sequence = 0n;
  return () => {
    let ms = BigInt(Date.now());
    if (ms <= lastMs) {
      ms = lastMs;
      sequence = (sequence + 1n) & 4095n;
      // 4,096 ids in one millisecond: borrow the next millisecond rather than repeat an id.
      if (sequence === 0n) ms = lastMs + 1n;
    } else {
      sequence = 0n;
    }
    lastMs = ms;
    return (((ms - TWITTER_EPOCH_MS) << 22n) | (BigInt(workerId & 1023) << 12n) | sequence).toString();
  };
}
