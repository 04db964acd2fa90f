import { api } from '../../shared/api';

export interface Callup {
  id: number;
  title: string;
  template: string;
  deadline: string;
  areaCode: string;
  target: { area?: string; workUnit?: string; partyMember?: boolean };
  /** minutes without an acknowledgement before a resend, and before the secretary and unit head are told */
  escalation: { resendAfterMin?: number; escalateAfterMin?: number };
  status: 'draft' | 'sent' | 'closed';
  createdAt: string;
  sentAt: string | null;
  actions: string[];
}
export interface Preview {
  /** the draft previewed: previewing it again after a change keeps this id */
  draftId: number;
  /** the area it is aimed at, by name: what the reach counts */
  area: { code: string; name: string };
  reach: number;
  withoutPhone: number;
  example: string | null;
  characters: number;
  parts: number;
  totalParts: number;
}
export interface CallupBody {
  title: string;
  template: string;
  deadline: string;
  target: Callup['target'];
  escalation?: Callup['escalation'];
}
export interface Counts {
  total: number;
  received: number;
  acknowledged: number;
  arrived: number;
  unreachable: number;
}
export interface Chase {
  staffId: number;
  name: string;
  phone: string | null;
  workUnit: string;
  areaCode: string;
  areaName: string;
  note: string | null;
}
export interface Board {
  callup: { id: number; title: string; deadline: string; sentAt: string | null; status: string };
  totals: Counts;
  towns: (Counts & { code: string; name: string })[];
  villages: (Counts & { code: string; name: string })[];
  curve: { at: string; arrived: number }[];
  counts: { notAcknowledged: number; notArrived: number; unreachable: number };
  notAcknowledged: Chase[];
  notArrived: Chase[];
  unreachable: Chase[];
}
export interface Me {
  name: string;
  areaCode: string;
  areaName: string;
  workUnit: string;
  ackAt: string | null;
  checkinAt: string | null;
  checkinMethod: string | null;
}

export interface Shift {
  id: number;
  staffId: number;
  staffName: string;
  areaCode: string;
  post: string;
  startsAt: string;
  endsAt: string;
  hours: number;
}
export const POSTS = ['gate_duty', 'sampling_support', 'door_to_door', 'delivery_escort', 'traffic_checkpoint'] as const;

export const mobilizationApi = {
  shifts: (area?: string) => api.get<{ shifts: Shift[]; hours: { staffId: number; name: string; shifts: number; hours: number }[]; rules: { maxContinuousHours: number; minRestHours: number } }>(`/mobilization/shifts${area ? `?area=${area}` : ''}`),
  assign: (body: { clientId: string; staffId: number; areaCode: string; post: string; startsAt: string; endsAt: string }) => api.post<Shift>('/mobilization/shifts', body),
  cancelShift: (id: number) => api.del<Shift>(`/mobilization/shifts/${id}`),
  myShifts: (token: string) => api.get<Shift[]>(`/mobilization/me/${token}/shifts`),
  list: () => api.get<Callup[]>('/mobilization/callups'),
  create: (body: CallupBody) => api.post<Callup>('/mobilization/callups', body),
  get: (id: number | string) => api.get<Callup>(`/mobilization/callups/${id}`),
  update: (id: number | string, body: CallupBody) => api.put<Callup>(`/mobilization/callups/${id}`, body),
  remove: (id: number | string) => api.del<Callup>(`/mobilization/callups/${id}`),
  close: (id: number | string) => api.post<Callup>(`/mobilization/callups/${id}/close`),
  preview: (id: number | string) => api.get<Preview>(`/mobilization/callups/${id}/preview`),
  send: (id: number | string) => api.post<{ id: number; members: number; withoutPhone: number }>(`/mobilization/callups/${id}/send`),
  board: (id: number | string) => api.get<Board>(`/mobilization/callups/${id}/board`),
  present: (id: number | string, staffId: number) => api.post<Me>(`/mobilization/callups/${id}/members/${staffId}/present`),
  eventsUrl: (id: number | string) => `/api/v1/mobilization/callups/${id}/events`,
  mine: (token: string) => api.get<{ callup: { id: number; title: string; deadline: string; status: string }; me: Me }>(`/mobilization/me/${token}`),
  ack: (token: string) => api.post<Me>(`/mobilization/me/${token}/ack`),
  checkin: (token: string, body: { village: string } | { lat: number; lng: number }) => api.post<Me>(`/mobilization/me/${token}/checkin`, body),
  villageCode: (code: string) => api.get<{ areaCode: string; token: string; url: string; point: { lat: number; lng: number; radiusM: number } | null }>(`/mobilization/villages/${code}/code`),
};

/** The personal link is kept on the phone, so the code at the village committee can check its holder in. */
export const TOKEN_KEY = 'bastion.callupToken';

export const shanghai = (iso: string) =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
