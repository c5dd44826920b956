// The queue's contract (name, jobs, payload, ids, defaults) is shared with the gateway, which adds jobs.
export {
  createMediaQueue,
  enqueueMedia,
  MEDIA_JOBS,
  MEDIA_QUEUE,
  mediaJobId,
  type ProcessMediaJob,
} from '@vibetribe/media-storage';
