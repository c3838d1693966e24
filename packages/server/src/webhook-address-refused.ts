/**
 * A webhook connection the address policy refused. Its own module, apart from the connector that raises it, so the
 * sender can recognise it without loading undici before the first delivery.
 */

/** Its message is the reason admins see (an address and a rule, nothing else). */
export class WebhookAddressRefused extends Error {
  readonly code = 'ERR_WEBHOOK_ADDRESS_REFUSED';
  constructor(reason: string) {
    super(reason);
    this.name = 'WebhookAddressRefused';
  }
}
