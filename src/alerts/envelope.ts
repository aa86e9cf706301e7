/**
 * The SNS envelope of a message: its subject, its message attributes (for subscription filter
 * policies), the `MessageStructure: json` body that gives each protocol its own form, and the size
 * SNS counts against its 256 KB limit.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { forSubject } from '../text/sanitize.ts';
import type { ChatbotNotification } from './chatbot.ts';
import type { AlertView } from './view.ts';

/** One message, rendered for every kind of subscriber. */
export interface RenderedMessage {
  /** The email subject: plain ASCII under 100 characters (SNS rejects anything else). */
  subject: string;
  /** The plain text, for email and every protocol without a form of its own. */
  email: string;
  /** For a Chatbot subscription and the Slack forwarder. */
  chatbot: ChatbotNotification;
  attributes: Record<string, MessageAttributeValue>;
}

/** `[estatescan] 111111111111: 2 new critical, 1 resolved (1/2)`, made a valid subject. */
export function subjectOf(view: AlertView): string {
  return forSubject(`[estatescan] ${view.accountId}: ${view.headline}`, view.partLabel);
}

/**
 * Bound on the `ruleId` attribute's value (a JSON array string). Attributes count toward the 256 KB
 * of a Publish and are repeated in every part of a split message; rule ids come from the registry (a
 * few dozen of ~35 bytes), so this is never reached in practice and only keeps a runaway list from
 * eating the room the text needs. Past it, the rule ids of the most severe findings are kept.
 */
export const RULE_IDS_MAX_BYTES = 4_096;

/**
 * `severity` (the worst of the message), `accountId`, `change` (every kind of change in it),
 * `ruleId`, and `severityChange`, which pairs each change's severity with its kind (`critical:new`,
 * `low:resolved`) so a filter policy can ask for "critical and new" about one finding: `severity`
 * and `change` would also match a message whose critical finding was resolved while a low one was
 * new. It has at most 5 × 8 values, so it needs no bound.
 */
export function attributesOf(view: AlertView): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    severity: { DataType: 'String', StringValue: view.severity },
    accountId: { DataType: 'String', StringValue: view.accountId },
    change: { DataType: 'String.Array', StringValue: JSON.stringify(view.kinds) },
  };
  // SNS rejects an attribute without a value; a baseline with no findings has neither of these.
  if (view.severityKinds.length) {
    attributes.severityChange = {
      DataType: 'String.Array',
      StringValue: JSON.stringify(view.severityKinds),
    };
  }
  // The ids come most severe finding first: those are the ones kept if the bound cuts the list.
  const rules: string[] = [];
  let bytes = 2;
  for (const id of new Set(view.ruleIds)) {
    bytes += utf8Bytes(JSON.stringify(id)) + 1;
    if (bytes > RULE_IDS_MAX_BYTES) break;
    rules.push(id);
  }
  if (rules.length) {
    attributes.ruleId = { DataType: 'String.Array', StringValue: JSON.stringify(rules.sort()) };
  }
  return attributes;
}

/**
 * The `Message` of a Publish with `MessageStructure: json`: plain text for `default` and `email`;
 * the Chatbot JSON for `https` (a Chatbot subscription) and `lambda` (the Slack forwarder). Every
 * other protocol (SQS, email-json, http, SMS) gets `default`.
 */
export function snsMessageBody(rendered: RenderedMessage): string {
  const chatbot = JSON.stringify(rendered.chatbot);
  return JSON.stringify({ default: rendered.email, email: rendered.email, https: chatbot, lambda: chatbot });
}

/**
 * The size SNS counts against its 256 KB limit: the message, the subject, and each attribute's
 * name, type and value, in UTF-8 bytes.
 */
export function publishBytes(rendered: RenderedMessage): number {
  let bytes = utf8Bytes(snsMessageBody(rendered)) + utf8Bytes(rendered.subject);
  for (const [name, value] of Object.entries(rendered.attributes)) {
    bytes += utf8Bytes(name) + utf8Bytes(value.DataType ?? '') + utf8Bytes(value.StringValue ?? '');
  }
  return bytes;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
