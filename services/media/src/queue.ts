import Queue from 'bull';

/** The one Bull queue: media post-processing (thumbnails, transcodes, metadata). Its name crosses processes. */
export const MEDIA_QUEUE = 'vt-media-processing';

/** Job names on the media queue. */
export const MEDIA_JOBS = { process: 'process-media' } as const;

/** Payload of a `process-media` job. */
export interface ProcessMediaJob {
  mediaId: string;
  organizationId: string;
}

/** Creates the media queue with the project's defaults: 3 attempts, exponential backoff, bounded history. */
export function createMediaQueue(redisUrl: string): Queue.Queue<ProcessMediaJob> {
  return new Queue<ProcessMediaJob>(MEDIA_QUEUE, redisUrl, {
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    },
  });
}
