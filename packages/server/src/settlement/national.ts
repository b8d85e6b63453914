/** A settlement as the national interface answers it (setlinfo): the person, the encounter and the amounts. */
import { toSetlinfo, type Settlement } from '@sanbao/core';
import { ageOn, chinaDateTime } from '../time.js';
import type { EncounterRow } from '../encounters/repository.js';
import type { PersonRow } from '../persons/repository.js';
import type { SettlementContext } from './context.js';

export function nationalSetlinfo(
  context: SettlementContext,
  s: Settlement,
  person: PersonRow,
  encounter: EncounterRow,
  setlId: string | null,
  /** A stored settlement's own time and msgid (5203); a new one's are now and this message's. */
  stored?: { setlTime: string; msgid: string },
): Record<string, unknown> {
  const age = ageOn(person.brdy, context.today);
  return {
    mdtrt_id: encounter.mdtrt_id,
    ...(setlId === null ? {} : { setl_id: setlId }),
    psn_no: person.psn_no,
    psn_name: person.psn_name,
    psn_cert_type: '01',
    certno: person.certno,
    gend: person.gend,
    naty: '01',
    brdy: person.brdy,
    age,
    insutype: encounter.insutype,
    psn_type: age >= 18 ? '1501' : '1405',
    cvlserv_flag: '0',
    // The voucher the visit or stay was opened with, as the HIS sent it.
    mdtrt_cert_type: encounter.mdtrt_cert_type ?? '02',
    ...toSetlinfo(s),
    setl_time: stored?.setlTime ?? chinaDateTime(context.now),
    medins_setl_id: stored?.msgid ?? context.requestId,
    clr_optins: person.admdvs,
  };
}
