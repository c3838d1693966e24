import { z } from 'zod';
import { LOG_LEVELS } from './log-levels.js';

/** Both the server and the gateway log through pino. */
export const logLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info');
