/**
 * Console API refusals are refusals like every other (refusal.ts): a stable code of the one catalogue, whose kind
 * gives the HTTP status, and a Chinese message.
 */
export { Refusal as ApiError } from '../refusal.js';
