// Everything the worker registers as a workflow.
export { autoScrapeWorkflow } from './auto-scrape.js';
export { healthCheckWorkflow } from './health-check.js';
