/**
 * Rendering one group of changes (or of first scans, or of targets' health) for every kind of
 * subscriber: its view (`view.ts`) is computed once, then laid out for each sink:
 * - `subject` and `attributes`: the SNS envelope (`envelope.ts`);
 * - `email`: readable plain text, also the `default` message (`email.ts`);
 * - `chatbot`: an AWS Chatbot custom notification, which a Chatbot-connected Slack channel renders
 *   and the Slack forwarder turns into Block Kit (`chatbot.ts`, `slack.ts`).
 * Every value from a finding, and every error text of a target that cannot be scanned, reaches
 * them through `text/sanitize.ts` (see its header for the rules).
 */
import { renderChatbot } from './chatbot.ts';
import { renderEmail } from './email.ts';
import { attributesOf, type RenderedMessage, subjectOf } from './envelope.ts';
import type { AlertGroup } from './group.ts';
import { type AlertView, type RenderOptions, viewOf } from './view.ts';

export type { ChatbotNotification } from './chatbot.ts';
export type { RenderedMessage } from './envelope.ts';
export type { RenderOptions } from './view.ts';

export function renderGroup(group: AlertGroup, options: RenderOptions = {}): RenderedMessage {
  return renderView(viewOf(group, options));
}

export function renderView(view: AlertView): RenderedMessage {
  return {
    subject: subjectOf(view),
    email: renderEmail(view),
    chatbot: renderChatbot(view),
    attributes: attributesOf(view),
  };
}
