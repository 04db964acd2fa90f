/** notify: SMS through a durable queue to a gateway; receipts and replies. A leaf module. */
export { NotifyRuntime, type NotifySettings } from './notify.runtime.js';
export { notifyRoutes } from './notify.routes.js';
export { Dispatcher, type DispatcherOptions } from './notify.dispatcher.js';
export { SimulatorGateway } from './gateways/simulator.js';
export type { Gateway, OutgoingSms, SendResult, Receipt } from './gateways/gateway.js';
export { statusByKey } from './notify.repo.js';
export { enqueueSms, erasePhones, REPLY_WINDOW_HOURS, type SmsRequest, type EnqueueResult, type ReplyListener } from './notify.service.js';
export { smsParts, isMobile } from './notify.sms.js';
export { notifyWebhookRoutes, twilioWebhookRoutes, signWebhook, webhookHeaders, WEBHOOK_TOLERANCE_S } from './notify.webhooks.js';
export { TwilioGateway, twilioSignature, type TwilioSettings } from './gateways/twilio.js';
export { HttpGateway, DEFAULT_HTTP_BODY, type HttpGatewaySettings } from './gateways/http.js';
