export {
  approvers,
  describeHold,
  gateDecision,
  type ApprovalRule,
  type Freeze,
  type GateDecision,
  type GateInput,
  type Verdict,
  type WaitReason,
} from "./gate.js";
export { covers, describeSpan, describeWindows, windowState, type MaintenanceWindow, type WindowLevels, type WindowState } from "./windows.js";
