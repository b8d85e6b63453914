/**
 * What a receiver of a red warning gets (the events levels.ts writes into the webhook outbox when a person-year turns
 * red, or stops being red): the event's facts, the person named with the ID number masked. The outbox (outbox/)
 * delivers them, signed and retried, whatever the event.
 */
import { departmentName, formatYuan, WARNING_LEVEL_NAMES, type WarningLevel } from '@sanbao/core';
import type { Delivery, OutboxBodies } from '../outbox/dispatch.js';
import { maskedCertno } from '../security/identity.js';

/** event_data of a warning event, as levels.ts writes it. */
interface WarningEvent {
  level: WarningLevel;
  from_level: WarningLevel;
  amount: number;
  admdvs: string;
  township: string;
  department: string;
  cause: string;
  setl_id: string | null;
  at: string;
}

/** The body a receiver gets: the event's facts, the person named with the ID number masked. */
export function deliveryBody(row: Delivery): string {
  const data = row.event_data as WarningEvent;
  return JSON.stringify({
    event: row.event,
    delivery_id: row.delivery_id,
    psn_no: row.psn_no,
    psn_name: row.psn_name,
    certno: maskedCertno(row.certno_sm4),
    year: row.year,
    level: data.level,
    level_name: WARNING_LEVEL_NAMES[data.level],
    from_level: data.from_level,
    amount: formatYuan(data.amount),
    admdvs: data.admdvs,
    township: data.township,
    department: data.department,
    department_name: departmentName(data.department),
    cause: data.cause,
    setl_id: data.setl_id,
    raised_at: data.at,
  });
}

/** The warning events the outbox may hold, and their body. */
export const WARNING_WEBHOOKS: OutboxBodies = {
  'warning.red': deliveryBody,
  'warning.red_withdrawn': deliveryBody,
};
