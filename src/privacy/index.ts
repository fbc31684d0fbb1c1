/**
 * The privacy module's public surface: the first-contact notice, "delete my data" and the
 * retention job. Other modules import from this file only (eslint.config.js enforces it).
 */
export { startRetentionJob } from './privacy.job.js';
export { createPrivacyRepository, privacyStateProbes } from './privacy.repository.js';
export { createPrivacyUsecases } from './privacy.usecases.js';
