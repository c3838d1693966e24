/** Where the admin API is mounted: every route under routes/admin answers below it (docs/admin-api.md). */
export const API_PREFIX = '/api/v1';
