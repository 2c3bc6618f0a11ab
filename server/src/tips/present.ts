/**
 * How a tip's reporter is shown lives with the people it shows (people/reporter-view.ts), so
 * hazards and rewards need not import from tips; kept here for the tips folder's own use.
 */
export { ANONYMOUS_REPORTER, reporterView } from '../people/reporter-view';
