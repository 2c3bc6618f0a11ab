/**
 * The call-out capability's service, by concern: issuing (create.ts), the escalation ladder
 * (steps.ts), answers (acks.ts) and what people see (views.ts). Other folders import from here.
 */
export type { CalloutLean } from './common';
export { createCallout } from './create';
export { runLadder, runDueSteps } from './steps';
export { acknowledge, ackLatest, reportStage, type AcknowledgeInput } from './acks';
export { openCallouts, summaryOf, getCallout, listCallouts, closeCallout, phoneList } from './views';
export { acknowledgeCardClicks, type CardClick } from './card-clicks';
