import { api, qs } from '../../shared/api';

export interface Campaign {
  id: number;
  title: string;
  areaCode: string;
  poolSize: number;
  startsAt: string;
  targetEnd: string;
  status: 'running' | 'closed';
  actions: string[];
}
export interface ScanAnswer {
  id: string;
  outcome: 'recorded' | 'already_recorded' | 'refused';
  tube: string;
  members?: number;
  poolSize?: number;
  repeat?: boolean;
  code?: string;
}
export interface Counts {
  /** the residents registered in the area (area-code prefix), at whatever level */
  expected: number;
  sampled: number;
  resulted: number;
  /** positive pooled tubes: tubes, not people */
  positivePools: number;
  /** members of a positive pool not yet retested alone */
  toRetest: number;
  /** people positive by a single-tube result */
  confirmed: number;
}
export interface CoverageRow extends Counts {
  code: string;
  name: string;
  /** 'unassigned': the residents registered at the area itself, in none of its children */
  level: string;
}
export interface Board {
  area: string;
  areaName: string | null;
  totals: Counts;
  children: CoverageRow[];
  stages: { status: string; tubes: number; swabs: number; oldestMinutes: number | null }[];
  labs: { labId: number; name: string; capacityPerDay: number; backlog: number; resulted24h: number }[];
  hourly: { hour: string; swabs: number }[];
  recalls: { pending: number; total: number };
  conflicts: number;
}
export interface Conflict {
  residentId: number;
  name: string;
  areaName: string | null;
  swabs: { tube: string; station: string; scannedAt: string }[];
}
export interface PrintableCode {
  residentId: number;
  name: string;
  householdNo: string | null;
  address: string | null;
  areaName: string | null;
  code: string;
}
export interface Recall {
  id: number;
  tube: string;
  reason: string;
  status: string;
  createdAt: string;
  name: string;
  phone: string | null;
  householdPhone: string | null;
  householdNo: string | null;
  address: string | null;
  areaName: string | null;
}
/** A box transport has taken and no lab has received yet. */
export interface BoxOnTheRoad {
  box: string;
  areaCode: string;
  areaName: string | null;
  /** the laboratory it was packed for */
  lab: string | null;
  tubes: number;
  swabs: number;
  shippedAt: string;
}
/** A lab's own queue: what it received and has not resulted, oldest first (200 at most). */
export interface LabQueue {
  name: string;
  capacityPerDay: number;
  backlog: number;
  oldestReceivedAt: string | null;
  tubes: { code: string; boxCode: string | null; members: number; receivedAt: string }[];
}
export interface MyResults {
  name: string;
  code: string;
  areaName: string | null;
  samples: { campaign: string; scannedAt: string; pooled: boolean; result: string | null; resultedAt: string | null; recall: string | null }[];
}
export interface ResultsReport {
  recorded: number;
  corrected: number;
  recalled: number;
  rejected: { row: number; tube: string; field: string; reason: string; message: string }[];
}

/** What the plan lacks: null where it has no data (not checked), never 0. */
export interface Plan {
  area: string;
  areaName: string | null;
  assumptions: { residentsPerSite: number; residentsPerTable: number; swabsPerTableHour: number; turnaroundHours: number; labTubesPerDay: number | null };
  campaign: {
    residents: number; tubes: number; sites: number; tables: number; samplingEnd: string; resultsEnd: string | null; targetEnd: string; onTime: boolean | null;
    missingTables: number | null; missingSamplers: number | null; villagesUnchecked: number; missingLabTubesPerDay: number | null;
  };
  villages: { code: string; name: string; residents: number; sitesPlanned: boolean; sites: number; tables: number; tubes: number; samplingHours: number; samplingEnd: string; resultsEnd: string | null; missingTables: number | null; missingSamplers: number | null }[];
}
export interface Site {
  id: number;
  areaCode: string;
  name: string;
  address: string;
  tables: number;
  samplers: number;
  opensAt: string;
  closesAt: string;
  notifiedAt: string | null;
  /** cadres the roster puts on sampling support there while it is open */
  cadres?: { staffId: number; name: string; startsAt: string; endsAt: string }[];
}
export interface HomeVisit {
  residentId: number;
  name: string;
  phone: string | null;
  householdPhone: string | null;
  address: string | null;
  areaName: string | null;
  sampler: string | null;
  done: boolean;
}

export const testingApi = {
  campaigns: () => api.get<Campaign[]>('/testing/campaigns'),
  campaign: (id: string | number) => api.get<Campaign>(`/testing/campaigns/${id}`),
  /** end sampling: stations refuse new swabs (the commanders of the campaign's area) */
  closeCampaign: (id: string | number) => api.post<Campaign>(`/testing/campaigns/${id}/close`),
  create: (body: { title: string; poolSize: number; startsAt: string; targetEnd: string; areaCode?: string }) => api.post<Campaign>('/testing/campaigns', body),
  board: (id: string | number, area?: string) => api.get<Board>(`/testing/campaigns/${id}/board${qs({ area })}`),
  recalls: (id: string | number, area?: string) => api.get<{ pending: number; toRetest: number; confirmed: number; recalls: Recall[] }>(`/testing/campaigns/${id}/recalls${qs({ area })}`),
  untestedUrl: (id: string | number, area?: string) => `/api/v1/testing/campaigns/${id}/untested${qs({ area, format: 'xlsx' })}`,
  eventsUrl: (id: string | number) => `/api/v1/testing/campaigns/${id}/events`,
  scans: (scans: { id: string; campaignId: number; tube: string; person: string; at: string }[]) => api.post<{ results: ScanAnswer[] }>('/testing/scans', { scans }),
  pack: (box: string, tubes: string[], lab: number) => api.post<{ box: string; tubes: number; lab: string }>(`/testing/boxes/${encodeURIComponent(box)}/ship`, { tubes, lab }),
  labChoices: () => api.get<{ id: number; name: string }[]>('/testing/labs/choices'),
  inTransit: () => api.get<BoxOnTheRoad[]>('/testing/boxes/in-transit'),
  pickUp: (box: string) => api.post<{ box: string; tubes: number }>(`/testing/boxes/${encodeURIComponent(box)}/pickup`),
  seal: (tube: string) => api.post(`/testing/tubes/${encodeURIComponent(tube)}/seal`),
  uploadResults: (file: File) => api.upload<ResultsReport>('/testing/results/file', file),
  labQueue: () => api.get<LabQueue>('/testing/labs/mine'),
  receive: (box: string) => api.post<{ box: string; tubes: number; lab: string }>(`/testing/boxes/${encodeURIComponent(box)}/receive`),
  plan: (id: string | number, a: Partial<Plan['assumptions']> = {}, area?: string) => api.get<Plan>(`/testing/campaigns/${id}/plan${qs({ ...a, area })}`),
  sites: (id: string | number, area?: string) => api.get<Site[]>(`/testing/campaigns/${id}/sites${qs({ area })}`),
  saveSite: (id: string | number, s: Omit<Site, 'id' | 'notifiedAt' | 'cadres'>) => api.post<Site>(`/testing/campaigns/${id}/sites`, s),
  notifySlots: (id: string | number, siteId: number) => api.post<{ households: number; queued: number; withoutPhone: number; slots: number }>(`/testing/campaigns/${id}/sites/${siteId}/notify`),
  homeVisits: (id: string | number, area?: string) => api.get<{ total: number; done: number; visits: HomeVisit[] }>(`/testing/campaigns/${id}/home-visits${qs({ area })}`),
  assignHomeVisits: (id: string | number, residentIds: number[], sampler: string) => api.post(`/testing/campaigns/${id}/home-visits`, { residentIds, sampler }),
  walkIn: (id: number, body: { idNumber: string; name: string; phone?: string; address: string }) => api.post<{ residentId: number; created: boolean; code: string }>(`/testing/campaigns/${id}/walk-ins`, body),
  conflicts: (id: string | number, area?: string) => api.get<{ conflicts: Conflict[] }>(`/testing/campaigns/${id}/conflicts${qs({ area })}`),
  codes: (area: string, after = 0) => api.get<{ codes: PrintableCode[]; next: number | null }>(`/testing/codes${qs({ area, after, limit: 200 })}`),
  me: (code: string) => api.get<MyResults>(`/testing/me/${encodeURIComponent(code)}`),
  lookup: (body: { idNumber: string; name: string; phone: string }) => api.post<MyResults>('/testing/lookup', body),
};
