/** Error codes of the incidents capability (see ../errors.ts). */
export const INCIDENT_ERRORS = {} as const;
