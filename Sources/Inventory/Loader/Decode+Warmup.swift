extension FileDecoder {
    func warmupSchedules(_ node: YAMLNode, path: String) {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: nil, what: "a mapping of schedule names to stage lists") else { return }
        for name in m.orderedKeys {
            let keyNode = m.keyNode(name)!
            let p = m.child(name)
            if let problem = NameRules.identifierProblem(name) {
                ctx.error(keyNode, p, "schedule name '\(DecodeContext.clip(name))' \(problem)")
                continue
            }
            guard let value = m.required(name), let items = ctx.sequence(value, p, what: "a list of stages") else { continue }
            guard !items.isEmpty else {
                ctx.error(value, p, "a schedule needs at least one stage")
                continue
            }
            var stages: [WarmupStage] = []
            var valid = true
            for (i, item) in items.enumerated() {
                let sp = FieldPath.index(p, i)
                guard let sm = MappingReader(item, path: sp, ctx: ctx, allowed: ["days", "daily"], what: "a stage { days, daily }") else { valid = false; continue }
                let isLast = i == items.count - 1
                var days: Int?
                if let d = sm.optional("days") {
                    days = ctx.int(d, sm.child("days"), in: 1...3650)
                    if days == nil { valid = false }
                    if isLast && days != nil {
                        ctx.error(d, sm.child("days"), "the last stage is open-ended: remove days")
                        valid = false
                    }
                } else if !isLast {
                    ctx.error(item, sm.child("days"), "only the last stage may omit days (it is open-ended)")
                    valid = false
                }
                guard let dailyNode = sm.required("daily"), let daily = ctx.int(dailyNode, sm.child("daily"), in: 1...100_000) else { valid = false; continue }
                if let prev = stages.last, daily < prev.daily {
                    ctx.error(dailyNode, sm.child("daily"), "daily cap \(daily) is lower than the previous stage's \(prev.daily): caps never decrease")
                    valid = false
                }
                stages.append(WarmupStage(days: days, daily: daily, location: ctx.location(item)))
            }
            if valid { out.warmup.append(WarmupSchedule(name: name, stages: stages, location: ctx.location(keyNode))) }
            else {
                // Keep the name known, so references to it are not reported twice.
                out.warmup.append(WarmupSchedule(name: name, stages: [], location: ctx.location(keyNode)))
            }
        }
    }
}
