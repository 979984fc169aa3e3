"""The staff survey and the improvement suggestions of the demo municipality (feedback/).

- spoergsmaal_20261105.csv: the survey's questions, five themes, from the survey tool's
  Windows export (cp1252).
- besvarelser_YYYYMM.csv and inviterede_YYYYMM.csv: one survey round a quarter (March, June,
  September, December) from the scale's first year up to September 2026. Everyone monthly-paid
  in a cost centre with staff is invited; 60-80 % answer (more in workplaces of under 12).
  Each answer is a score 1-5 around a
  level that differs between units and themes; a few questions are skipped and a few
  respondents open the survey and answer nothing. The tiny units of the HR demo have fewer
  than 5 respondents in every round, so the suppression of small groups shows.
- forslag_20261105.csv: a snapshot of all suggestions with their decisions as they stand on
  the extraction date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dagster_project.lib.calendar import public_holidays

from ._writer import TEXT, Encoding, SourceWriter, danish_amounts, danish_date, join_fields
from .organisation import Organisation
from .personale import EXTRACTION_DATE, FAMILIES, FAMILY_NAMES, build_staffing
from .scales import Scale, random_stream

QUESTIONS = (
    ("MOT1", "MOTIVATION", "Jeg er motiveret for mit arbejde"),
    ("MOT2", "MOTIVATION", "Mit arbejde giver mening for mig"),
    ("MOT3", "MOTIVATION", "Jeg har lyst til at yde en ekstra indsats"),
    ("ENG1", "ENGAGEMENT", "Jeg føler mig engageret i min arbejdsplads"),
    ("ENG2", "ENGAGEMENT", "Jeg anbefaler gerne min arbejdsplads til andre"),
    ("ENG3", "ENGAGEMENT", "Jeg ser mig selv arbejde her om to år"),
    ("GLA1", "ARBEJDSGLAEDE", "Jeg glæder mig til at gå på arbejde"),
    ("GLA2", "ARBEJDSGLAEDE", "Jeg oplever arbejdsglæde i min hverdag"),
    ("LED1", "LEDELSE", "Min nærmeste leder giver mig anerkendelse for mit arbejde"),
    ("LED2", "LEDELSE", "Min leder lytter til mine forslag og idéer"),
    ("LED3", "LEDELSE", "Jeg får den information, jeg har brug for til mit arbejde"),
    ("LED4", "LEDELSE", "Jeg har tillid til ledelsens beslutninger"),
    ("SAM1", "SAMARBEJDE", "Vi hjælper hinanden i mit team"),
    ("SAM2", "SAMARBEJDE", "Samarbejdet med andre afdelinger fungerer godt"),
)
THEMES = ("MOTIVATION", "ENGAGEMENT", "ARBEJDSGLAEDE", "LEDELSE", "SAMARBEJDE")
QUESTION_THEME = np.array([THEMES.index(theme) for _, theme, _ in QUESTIONS])
QUESTION_IDS = np.array([question_id for question_id, _, _ in QUESTIONS], dtype=TEXT)
# Leadership scores lower than collegial cooperation in most Danish workplace surveys.
THEME_OFFSET = np.array([0.12, 0.0, 0.05, -0.15, 0.18])
UNIT_MEAN_RANGE = (3.2, 4.4)
ROUND_MONTHS = (3, 6, 9, 12)
LAST_ROUND = (2026, 9)
RESPONSE_RATE = (0.6, 0.8)
SMALL_WORKPLACE = 12  # monthly-paid staff
SMALL_WORKPLACE_RESPONSE_RATE = (0.85, 0.97)
SKIPPED_QUESTION_SHARE = 0.03
BLANK_RESPONDENT_SHARE = 0.015
SCORE_TEXTS = np.array(["", "1", "2", "3", "4", "5"], dtype=TEXT)  # 0 = not answered
ANSWER_TEXTS = np.strings.add(np.strings.add(QUESTION_IDS[:, None], ";"), SCORE_TEXTS)

SUGGESTIONS_PER_MONTH = 40  # at staff factor 1 (scale S)
# Few ideas are sent in during the summer holiday.
SUGGESTION_SEASON = (1.0, 1.05, 1.1, 1.05, 1.0, 0.9, 0.45, 0.85, 1.1, 1.1, 1.1, 0.9)
CATEGORIES = ("Arbejdsgange", "Digitalisering", "Arbejdsmiljø", "Borgerkontakt", "Økonomi")
CATEGORY_WEIGHTS = (0.32, 0.24, 0.18, 0.16, 0.10)
DECISION_DAYS = (14, 84)  # a decision takes 2-12 weeks
STALLED_SHARE = 0.04  # still being worked on long after the usual decision time
IMPLEMENTED_SHARE = 0.55
GAIN_SHARE = 0.35
FORSLAG_HEADER = (
    "forslag_id", "omkostningssted", "indsendt", "kategori", "status", "afgjort",
    "estimeret_gevinst_kr",
)  # fmt: skip


@dataclass(frozen=True)
class SurveyRound:
    year: int
    month: int
    invited: np.ndarray  # per cost centre of Survey.codes
    unit: np.ndarray  # per respondent: index into Survey.codes
    scores: np.ndarray  # respondents x questions; 0 = not answered


@dataclass(frozen=True)
class Survey:
    codes: np.ndarray  # the cost centres with staff
    rounds: tuple[SurveyRound, ...]


@dataclass(frozen=True)
class Suggestions:
    unit: np.ndarray  # cost centre of each suggestion
    sent: np.ndarray  # datetime64[D]
    category: np.ndarray  # index into CATEGORIES
    status: np.ndarray  # text
    decided_on: np.ndarray  # datetime64[D]; meaningful where the status is a decision
    gain: np.ndarray  # Danish money text or ""


@dataclass(frozen=True)
class Feedback:
    survey: Survey
    suggestions: Suggestions

    def value(self, kpi: str, codes: set[str], period: str) -> float | None:
        """A feedback KPI of kpis.md over the cost centres `codes` in a month or a year.

        The goal catalogue uses it for baselines that the pipeline takes from the data, so
        that a target lies on the right side of them.
        """
        if kpi == "forslag_indsendt":
            unit = self.suggestions.unit
            sent = self.suggestions.sent.astype(
                "datetime64[M]" if "-" in period else "datetime64[Y]"
            )
            chosen = np.isin(unit, sorted(codes)) & (sent == np.datetime64(period))
            return float(np.count_nonzero(chosen))
        if kpi != "svarprocent" and not kpi.startswith("trivsel_"):
            return None  # not a figure of the survey
        survey = self.survey
        chosen = np.isin(survey.codes, sorted(codes))
        numerator = denominator = 0.0
        for survey_round in survey.rounds:
            if f"{survey_round.year}-{survey_round.month:02d}"[: len(period)] != period:
                continue
            scores = survey_round.scores[chosen[survey_round.unit]]
            if kpi == "svarprocent":
                numerator += np.count_nonzero((scores > 0).any(axis=1))
                denominator += survey_round.invited[chosen].sum()
            else:
                theme = THEMES.index(kpi.removeprefix("trivsel_").upper())
                of_theme = scores[:, theme == QUESTION_THEME]
                numerator += of_theme.sum()
                denominator += np.count_nonzero(of_theme)
        if not denominator:
            return None
        return 100 * numerator / denominator if kpi == "svarprocent" else numerator / denominator


def monthly_paid_staff(organisation: Organisation, scale: Scale, seed: int) -> dict[str, int]:
    """Expected monthly-paid staff (trainees excluded) per cost centre, from the HR demo."""
    staffing = build_staffing(organisation, scale, seed)
    staff = {}
    for index, code in enumerate(staffing.codes):
        family = FAMILIES[FAMILY_NAMES[staffing.family[index]]]
        share = 1 - family.hourly_share - family.trainee_share
        count = staffing.small.get(index) or round(float(staffing.headcount[index]) * share)
        if count > 0:
            staff[code] = count
    return staff


def survey_rounds(scale: Scale) -> list[tuple[int, int]]:
    return [
        (year, month)
        for year, month in scale.months
        if month in ROUND_MONTHS and (year, month) <= LAST_ROUND
    ]


def build_survey(staff: dict[str, int], scale: Scale, seed: int) -> Survey:
    codes = np.array(sorted(staff), dtype=TEXT)
    headcount = np.array([staff[code] for code in sorted(staff)])
    rng = random_stream(seed, "trivsel")
    unit_level = rng.normal(3.85, 0.22, codes.size)
    unit_theme = rng.normal(0.0, 0.12, (codes.size, len(THEMES)))
    # In a small workplace nearly everyone answers, so below 5 respondents are mostly the tiny
    # units, as in real surveys.
    response_rate = np.where(
        headcount < SMALL_WORKPLACE,
        rng.uniform(*SMALL_WORKPLACE_RESPONSE_RATE, codes.size),
        rng.uniform(*RESPONSE_RATE, codes.size),
    )
    # Some workplaces get better year by year, some worse, so goals on trivsel can move.
    yearly_change = rng.normal(0.03, 0.08, codes.size)
    small = headcount < 5  # the tiny units keep their few persons
    rounds = []
    for year, month in survey_rounds(scale):
        rng = random_stream(seed, "besvarelser", year, month)
        invited = np.where(
            small, headcount, np.maximum(1, np.rint(headcount * rng.normal(1.0, 0.03, codes.size)))
        ).astype(np.int64)
        respondents = rng.binomial(invited, response_rate)
        unit = np.repeat(np.arange(codes.size), respondents)
        years = year - scale.first_year + (month - ROUND_MONTHS[0]) / 12
        # The unit's level this round: its trend plus the mood of the moment.
        level = unit_level + yearly_change * years + rng.normal(0.0, 0.06, codes.size)
        mean = np.clip(level[:, None] + THEME_OFFSET + unit_theme, *UNIT_MEAN_RANGE)
        person = rng.normal(0.0, 0.4, unit.size)
        raw = mean[unit][:, QUESTION_THEME] + person[:, None]
        raw += rng.normal(0.0, 0.65, raw.shape)
        scores = np.clip(np.rint(raw), 1, 5).astype(np.int8)
        scores[rng.random(scores.shape) < SKIPPED_QUESTION_SHARE] = 0
        scores[rng.random(unit.size) < BLANK_RESPONDENT_SHARE] = 0
        rounds.append(SurveyRound(year, month, invited, unit, scores))
    return Survey(codes, tuple(rounds))


def _respondent_ids(count: int, salt: int) -> np.ndarray:
    """Anonymous 8-character ids, unique over all rounds: a bijective scramble of a counter."""
    scrambled = (np.arange(count, dtype=np.uint64) * np.uint64(2654435761) + np.uint64(salt)) % (
        np.uint64(1) << np.uint64(32)
    )
    return np.array([f"{value:08X}" for value in scrambled.tolist()], dtype=TEXT)


def write_survey(survey: Survey, seed: int, writer: SourceWriter) -> dict[str, int]:
    writer.write_rows(
        "feedback",
        f"spoergsmaal_{EXTRACTION_DATE:%Y%m%d}.csv",
        ("spoergsmaal_id", "tema", "tekst"),
        QUESTIONS,
        Encoding.CP1252,
    )
    total = sum(survey_round.unit.size for survey_round in survey.rounds)
    ids = _respondent_ids(total, int(random_stream(seed, "besvarelse_id").integers(1 << 32)))
    answers = respondents = 0
    first = 0
    for survey_round in survey.rounds:
        stamp = f"{survey_round.year}{survey_round.month:02d}"
        round_ids = ids[first : first + survey_round.unit.size]
        first += survey_round.unit.size
        # Sorted by the anonymous id, so the order of the rows does not give the units away.
        order = np.argsort(round_ids)
        respondent = join_fields(round_ids[order], survey.codes[survey_round.unit[order]], "")
        # Each row is the respondent's "id;unit;" and one of the few "question;score" texts.
        question = np.tile(np.arange(len(QUESTIONS)), order.size)
        lines = np.strings.add(
            np.repeat(respondent, len(QUESTIONS)),
            ANSWER_TEXTS[question, survey_round.scores[order].ravel()],
        )
        answers += writer.write_lines(
            "feedback",
            f"besvarelser_{stamp}.csv",
            ("besvarelse_id", "omkostningssted", "spoergsmaal_id", "score"),
            lines,
        )
        respondents += order.size
        writer.write_rows(
            "feedback",
            f"inviterede_{stamp}.csv",
            ("omkostningssted", "antal_inviterede"),
            zip(survey.codes.tolist(), survey_round.invited.tolist(), strict=True),
        )
    return {"survey_rounds": len(survey.rounds), "respondents": respondents, "answers": answers}


def build_suggestions(staff: dict[str, int], scale: Scale, seed: int) -> Suggestions:
    """Every suggestion sent in from the scale's first month to the extraction date."""
    codes = np.array(sorted(staff), dtype=TEXT)
    weights = np.array([staff[code] for code in sorted(staff)], dtype=float)
    weights /= weights.sum()
    extracted = np.datetime64(EXTRACTION_DATE)
    # Suggestions are sent and decided on working days.
    closed = list(public_holidays(range(scale.first_year, 2028)))
    workdays = np.busdaycalendar(holidays=np.array(closed, dtype="datetime64[D]"))
    # The month of the extraction holds the few days before it.
    months = [*scale.months, (EXTRACTION_DATE.year, EXTRACTION_DATE.month)]
    sent_parts, unit_parts = [], []
    for year, month in months:
        rng = random_stream(seed, "forslag", year, month)
        start = np.datetime64(f"{year}-{month:02d}", "M")
        days = np.arange(start.astype("datetime64[D]"), (start + 1).astype("datetime64[D]"))
        days = days[np.is_busday(days, busdaycal=workdays) & (days < extracted)]
        share = days.size / 21.7  # working days of an average month
        count = rng.poisson(
            SUGGESTIONS_PER_MONTH * scale.staff_factor * SUGGESTION_SEASON[month - 1] * share
        )
        sent_parts.append(np.sort(rng.choice(days, count)))
        unit_parts.append(codes[rng.choice(codes.size, count, p=weights)])
    sent = np.concatenate(sent_parts)

    rng = random_stream(seed, "forslag_afgoerelse")
    waited = rng.integers(DECISION_DAYS[0], DECISION_DAYS[1] + 1, sent.size)
    decided_on = np.busday_offset(sent + waited, 0, roll="forward", busdaycal=workdays)
    decided = (decided_on < extracted) & (rng.random(sent.size) >= STALLED_SHARE)
    implemented = rng.random(sent.size) < IMPLEMENTED_SHARE
    recent = (extracted - sent).astype(np.int64) <= DECISION_DAYS[0]
    status = np.where(
        decided,
        np.where(implemented, "gennemfoert", "afvist"),
        np.where(recent, "modtaget", "behandles"),
    )
    category = rng.choice(len(CATEGORIES), sent.size, p=CATEGORY_WEIGHTS)
    # Estimated yearly gains in whole hundreds of kroner, from a few thousand to a few hundred
    # thousand; only some suggestions come with an estimate.
    has_gain = rng.random(sent.size) < GAIN_SHARE
    gain_oere = np.round(np.exp(rng.normal(9.6, 1.0, sent.size)), -2).astype(np.int64) * 100
    gain = np.where(has_gain, danish_amounts(gain_oere, 1000), "")
    return Suggestions(np.concatenate(unit_parts), sent, category, status, decided_on, gain)


def write_suggestions(suggestions: Suggestions, writer: SourceWriter) -> int:
    years = suggestions.sent.astype("datetime64[Y]").astype(np.int64) + 1970
    rows = []
    number_in_year: dict[int, int] = {}
    for index, year in enumerate(years.tolist()):
        number_in_year[year] = number_in_year.get(year, 0) + 1
        status = str(suggestions.status[index])
        decided = status in ("gennemfoert", "afvist")
        rows.append(
            (
                f"{year}-{number_in_year[year]:04d}",
                str(suggestions.unit[index]),
                danish_date(suggestions.sent[index].item()),
                CATEGORIES[suggestions.category[index]],
                status,
                danish_date(suggestions.decided_on[index].item()) if decided else "",
                str(suggestions.gain[index]),
            )
        )
    return writer.write_rows(
        "feedback",
        f"forslag_{EXTRACTION_DATE:%Y%m%d}.csv",
        FORSLAG_HEADER,
        rows,
        Encoding.UTF8_BOM,
    )


def write_feedback(
    organisation: Organisation, scale: Scale, seed: int, writer: SourceWriter
) -> tuple[Feedback, dict[str, int]]:
    staff = monthly_paid_staff(organisation, scale, seed)
    feedback = Feedback(build_survey(staff, scale, seed), build_suggestions(staff, scale, seed))
    counts = write_survey(feedback.survey, seed, writer)
    counts["suggestions"] = write_suggestions(feedback.suggestions, writer)
    return feedback, counts
