//! Language detection: stopword counts over the tokeniser's words for the
//! languages with a list, whatlang's trigrams for the rest.

use crate::normalize::split_lines;
use crate::scan;
use crate::stopwords::{load_packed, lower_packed_ascii, Stoplists, STOPLISTS};

/// Detect the language of `text` (ISO 639-1), when whatlang is reasonably sure.
pub fn detect(text: &str) -> Option<&'static str> {
    let sample = sample(text);
    if let Some(l) = by_stopwords(&sample) {
        return Some(l);
    }
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    Some(iso639_1(info.lang()))
}

/// The fast path for the Latin-script languages we have stoplists for: when
/// most words are ASCII and one list covers a fifth of them and twice as
/// many as any other list (or a tenth and three times as many), that is the
/// language; so it is when the list covers a fifth and has three times as
/// many words of its own (no other list holds them) as any other list
/// (close languages: Portuguese and Spanish). Otherwise (other languages
/// and scripts, close calls) whatlang decides.
///
/// Prose in a listed language runs at 30–50 % stopwords, headline-heavy
/// pages at 10–20 % with no other list near; prose in an unlisted
/// Latin-script language stays under a fifth on any one list, or is split
/// between two (Catalan: Spanish and French). Whatlang costs about a
/// million instructions a call: with these bounds rather than one of 30 %
/// it runs on 13 of the benchmark's 181 dumps instead of 28, and detects
/// the same languages.
fn by_stopwords(sample: &str) -> Option<&'static str> {
    let s = &*STOPLISTS;
    // Most samples are settled beyond doubt by their first thousand bytes
    // (cut at a space, so no word is split): the rest is counted only for
    // the others, whose verdict is then that of the whole sample.
    let early = memchr::memchr2(b' ', b'\n', sample.as_bytes().get(EARLY_BYTES..).unwrap_or_default())
        .map_or(sample.len(), |i| EARLY_BYTES + i);
    let mut hits = Hits { lists: s, lanes: 0, words: 0, ascii_words: 0, only: 0 };
    scan::line_with(&sample[..early], &mut hits);
    if early < sample.len() {
        if let Some(l) = hits.verdict(true) {
            return Some(l);
        }
        scan::line_with(&sample[early..], &mut hits);
    }
    hits.verdict(false)
}

/// Bytes of a sample that can settle its language early.
const EARLY_BYTES: usize = 1_000;

impl Hits<'_> {
    /// The language the counts so far show: beyond doubt (`sure`: 30 % of
    /// the words, three times any other list), or clearly enough (see
    /// [`by_stopwords`]).
    fn verdict(&self, sure: bool) -> Option<&'static str> {
        let (s, words) = (self.lists, self.words);
        // Mostly words of ASCII letters: a Japanese or Russian page quoting
        // English is not English.
        if words < 40 || self.ascii_words * 3 < words * 2 {
            return None;
        }
        let hits = per_list(self.lanes);
        let mut order: Vec<usize> = (0..s.latin.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(hits[i]));
        let (top, second) = (hits[order[0]], order.get(1).map_or(0, |&i| hits[i]));
        if sure {
            return (top * 10 >= words * 3 && top >= second * 3).then(|| s.latin[order[0]]);
        }
        // A fifth of the words and twice any other list, or a tenth and three
        // times any other (headline-heavy pages).
        let clear = top * 5 >= words && top >= second * 2 || top * 10 >= words && top >= second * 3;
        // Close languages share many stopwords (Portuguese and Spanish: de, que,
        // a, se): a fifth of the words, and at least three times as many of the
        // words no other list holds as any other list has of its own.
        let own = per_list(self.only);
        let rival = order[1..].iter().map(|&i| own[i]).max().unwrap_or(0);
        let close = top * 5 >= words && own[order[0]] >= 5 && own[order[0]] >= rival * 3;
        (clear || close).then(|| s.latin[order[0]])
    }
}

/// Words of a sample (with a letter) and how many of them each
/// Latin-script list holds.
struct Hits<'a> {
    lists: &'a Stoplists,
    /// The hits of list `i` in bits `16 i..16 i + 16` (a sample has far
    /// fewer words than 65,536): one addition counts a word for every list
    /// holding it.
    lanes: u128,
    words: usize,
    /// Words that are all ASCII.
    ascii_words: usize,
    /// Like `lanes`, for the words only one list holds.
    only: u128,
}

/// The count of each list from hit lanes (see [`Hits::lanes`]).
fn per_list(lanes: u128) -> [usize; 8] {
    std::array::from_fn(|i| (lanes >> (16 * i) & 0xFFFF) as usize)
}

/// A bitmask of lists spread into the hit lanes: bit `i` to bit `16 i`.
static SPREAD: [u128; 256] = {
    let mut t = [0u128; 256];
    let mut m = 0;
    while m < 256 {
        let mut i = 0;
        while i < 8 {
            t[m] |= ((m as u128 >> i) & 1) << (16 * i);
            i += 1;
        }
        m += 1;
    }
    t
};

impl Hits<'_> {
    /// An ASCII word, packed and lower-cased: counted, and looked up in the
    /// Latin-script lists.
    #[inline]
    fn ascii_word(&mut self, packed: Option<u128>) {
        self.words += 1;
        self.ascii_words += 1;
        if let Some(mask) = packed.and_then(|k| self.lists.latin_mask.get(k)) {
            self.lanes += SPREAD[usize::from(mask)];
            if mask.is_power_of_two() {
                self.only += SPREAD[usize::from(mask)];
            }
        }
    }
}

impl scan::Judge for &mut Hits<'_> {
    fn ascii_lowered(&mut self, lowered: &[u8], kept: std::ops::Range<usize>) -> bool {
        self.ascii_word(load_packed(lowered, kept));
        false
    }

    fn ascii(&mut self, bytes: &[u8], kept: std::ops::Range<usize>) -> bool {
        self.ascii_word(load_packed(bytes, kept).map(lower_packed_ascii));
        false
    }

    /// The Latin lists are looked up with ASCII words only.
    fn other(&mut self, _word: &str) -> bool {
        self.words += 1;
        false
    }
}

/// Bytes of text whatlang looks at: trigram statistics settle long before
/// this, and detection cost grows with the sample.
const SAMPLE_BYTES: usize = 2_000;

/// What detection looks at: prose-like lines (navigation and widget lines
/// are short and often in English on any site), up to [`SAMPLE_BYTES`];
/// the start of the text when it has too few of them.
fn sample(text: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::new();
    // Prose first: long lines that end like a sentence (navigation runs
    // joined on one line are long too, and have few stopwords).
    let prose = |l: &&str| l.ends_with(['.', '!', '?', '。', '!', '?', '"', '”', ')']);
    // (A line shorter than that untrimmed is not looked at twice.)
    let long = || split_lines(text).filter(|l| l.len() >= 80).map(str::trim).filter(|l| l.len() >= 80);
    for line in long().filter(prose).chain(long().filter(|l| !prose(l))) {
        out.push_str(&line[..floor_boundary(line, SAMPLE_BYTES - out.len().min(SAMPLE_BYTES))]);
        out.push('\n');
        if out.len() >= SAMPLE_BYTES {
            return out.into();
        }
    }
    if out.len() >= SAMPLE_BYTES / 4 {
        return out.into();
    }
    text[..floor_boundary(text, SAMPLE_BYTES)].into()
}

pub(crate) fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// ISO 639-1 for the languages we name; whatlang's ISO 639-3 code otherwise.
fn iso639_1(l: whatlang::Lang) -> &'static str {
    const MAP: [(&str, &str); 40] = [
        ("eng", "en"),
        ("deu", "de"),
        ("fra", "fr"),
        ("spa", "es"),
        ("ita", "it"),
        ("por", "pt"),
        ("nld", "nl"),
        ("rus", "ru"),
        ("ukr", "uk"),
        ("pol", "pl"),
        ("ces", "cs"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("hrv", "hr"),
        ("srp", "sr"),
        ("bul", "bg"),
        ("ron", "ro"),
        ("hun", "hu"),
        ("fin", "fi"),
        ("swe", "sv"),
        ("dan", "da"),
        ("nob", "nb"),
        ("est", "et"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("ell", "el"),
        ("tur", "tr"),
        ("ara", "ar"),
        ("heb", "he"),
        ("pes", "fa"),
        ("hin", "hi"),
        ("ben", "bn"),
        ("tha", "th"),
        ("vie", "vi"),
        ("ind", "id"),
        ("jpn", "ja"),
        ("kor", "ko"),
        ("cmn", "zh"),
        ("cat", "ca"),
        ("afr", "af"),
    ];
    let code = l.code();
    MAP.iter().find(|(three, _)| *three == code).map_or(code, |(_, two)| two)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prose in Latin-script languages without a stoplist is not claimed by
    /// the stopword fast path (it leaves them to whatlang), even where some
    /// of its words are on a list (Danish and Dutch "en", "de", "er";
    /// Catalan and Spanish "de", "la", "que").
    #[test]
    fn unlisted_languages_are_left_to_whatlang() {
        let samples = [
            ("da", "Regeringen meddelte i går, at den vil bruge flere penge på skoler og sygehuse i de kommende år. Ifølge finansministeren er der tale om den største investering i velfærd siden krisen, og pengene skal især gå til de mindre kommuner, som har haft svært ved at holde på lærere og sygeplejersker. Oppositionen kalder planen for utilstrækkelig og kræver en hurtigere indsats."),
            ("sv", "Regeringen meddelade i går att den kommer att satsa mer pengar på skolor och sjukhus under de kommande åren. Enligt finansministern handlar det om den största investeringen i välfärden sedan krisen, och pengarna ska främst gå till mindre kommuner som har haft svårt att behålla lärare och sjuksköterskor. Oppositionen kallar planen otillräcklig och kräver snabbare åtgärder."),
            ("nb", "Regjeringen sa i går at den vil bruke mer penger på skoler og sykehus i årene som kommer. Ifølge finansministeren er dette den største satsingen på velferd siden krisen, og pengene skal særlig gå til de mindre kommunene, som har hatt problemer med å beholde lærere og sykepleiere. Opposisjonen kaller planen utilstrekkelig og krever raskere tiltak."),
            ("id", "Pemerintah mengumumkan kemarin bahwa mereka akan menambah anggaran untuk sekolah dan rumah sakit dalam beberapa tahun ke depan. Menurut menteri keuangan, ini adalah investasi terbesar di bidang kesejahteraan sejak krisis, dan dana tersebut terutama akan disalurkan ke daerah kecil yang selama ini kesulitan mempertahankan guru dan perawat. Pihak oposisi menyebut rencana itu tidak cukup dan menuntut tindakan yang lebih cepat."),
            ("pl", "Rząd ogłosił wczoraj, że w najbliższych latach przeznaczy więcej pieniędzy na szkoły i szpitale. Według ministra finansów jest to największa inwestycja w opiekę społeczną od czasu kryzysu, a środki trafią przede wszystkim do mniejszych gmin, które mają trudności z zatrzymaniem nauczycieli i pielęgniarek. Opozycja nazywa plan niewystarczającym i domaga się szybszych działań."),
            ("tgl", "Inihayag ng pamahalaan kahapon na maglalaan ito ng mas maraming pondo para sa mga paaralan at ospital sa mga susunod na taon. Ayon sa kalihim ng pananalapi, ito ang pinakamalaking pamumuhunan sa kapakanan mula noong krisis, at ang pondo ay mapupunta lalo na sa maliliit na bayan na nahihirapang panatilihin ang mga guro at nars. Tinawag ng oposisyon na kulang ang plano at humiling ng mas mabilis na aksyon."),
            ("ca", "El govern va anunciar ahir que dedicarà més diners a les escoles i als hospitals durant els propers anys. Segons el ministre d'economia, es tracta de la inversió més gran en benestar des de la crisi, i els diners aniran sobretot als municipis petits, que tenen dificultats per mantenir mestres i infermeres. L'oposició considera que el pla és insuficient i reclama més rapidesa, perquè la situació a les escoles de les comarques és molt greu."),
            ("ro", "Guvernul a anunțat ieri că va aloca mai mulți bani pentru școli și spitale în următorii ani. Potrivit ministrului de finanțe, este cea mai mare investiție în bunăstare de la criză încoace, iar banii vor merge mai ales către comunele mici, care au avut dificultăți în a păstra profesori și asistente. Opoziția consideră planul insuficient și cere măsuri mai rapide pentru oamenii din aceste zone."),
        ];
        for (code, text) in samples {
            assert_eq!(by_stopwords(text), None, "{code}");
            assert_eq!(detect(text), Some(code));
        }
        // A Japanese page quoting an English sentence: a quarter of its
        // words are English stopwords, but most of its words are not ASCII.
        let nav = "ホーム ニュース 経済 政治 国際 スポーツ 天気 エンタメ 科学 健康 ランキング 特集";
        let ja = format!(
            "{nav} {nav} {nav} {nav} This is what the minister said to the press in Tokyo on Monday about the plan and the economy"
        );
        assert_eq!(by_stopwords(&ja), None);
        assert_eq!(detect(&ja), Some("ja"));
    }

    /// Portuguese and Spanish prose shares so many stopwords that neither
    /// list has twice the other's hits; the words only one list holds tell
    /// them apart.
    #[test]
    fn close_languages_are_told_apart_by_their_own_words() {
        let pt =
            "O governo anunciou ontem que vai gastar mais dinheiro com as escolas e os hospitais nos próximos anos. \
            Segundo o ministro das Finanças, trata-se do maior investimento no bem-estar desde a crise, e o dinheiro \
            vai sobretudo para os municípios mais pequenos, que têm tido dificuldade em manter os professores e os \
            enfermeiros. A oposição diz que o plano não chega e pede uma resposta mais rápida para as pessoas. \
            Os autarcas do interior dizem que já esperavam há muito tempo por estas verbas, mas avisam que o problema \
            não é só de dinheiro: faltam casas para os jovens médicos, e muitos vão embora ao fim de um ou dois anos. \
            O ministro prometeu voltar ao tema no próximo mês, com um pacote de medidas para a habitação.";
        let es = "El gobierno anunció ayer que gastará más dinero en las escuelas y los hospitales en los próximos años. \
            Según el ministro de Hacienda, se trata de la mayor inversión en bienestar desde la crisis, y el dinero \
            irá sobre todo a los municipios más pequeños, que tienen dificultades para retener a los maestros y a las \
            enfermeras. La oposición dice que el plan no basta y pide una respuesta más rápida para la gente. \
            Los alcaldes del interior dicen que llevaban mucho tiempo esperando estos fondos, pero avisan de que el \
            problema no es solo de dinero: faltan viviendas para los médicos jóvenes, y muchos se marchan al cabo de \
            uno o dos años. El ministro prometió volver al tema el mes que viene, con un paquete de medidas de vivienda.";
        assert_eq!(by_stopwords(pt), Some("pt"));
        assert_eq!(by_stopwords(es), Some("es"));
    }

    /// A sample whose first thousand bytes are beyond doubt is settled by
    /// them; the rest of it is not looked at.
    #[test]
    fn a_clear_start_settles_the_sample() {
        let en = "The prime minister said on Monday that the talks would go on for as long as they were needed. ";
        let de = "Der Bundeskanzler sagte am Montag, dass die Gespräche so lange wie nötig fortgesetzt werden. ";
        let sample = format!("{}{}", en.repeat(11), de.repeat(30));
        assert!(en.len() * 11 > EARLY_BYTES);
        assert_eq!(by_stopwords(&sample), Some("en"));
        // Counted whole, the German would settle it.
        let whole = format!("{}{}", en.repeat(2), de.repeat(30));
        assert_eq!(by_stopwords(&whole), Some("de"));
    }

    /// Headline-heavy English: few stopwords, but no other list comes near.
    #[test]
    fn headline_heavy_english_is_settled_by_stopwords() {
        let heads = "Markets rally as inflation cools | Storm closes schools across Texas | \
            Senate passes budget after late vote | Tech shares slip on weak forecast | \
            Police name suspect in downtown shooting | Mayor unveils housing plan | \
            Record heat expected this weekend | Airline cancels flights amid strike | \
            Court rules on voting maps | Star striker signs new deal with the club";
        assert_eq!(by_stopwords(heads), Some("en"));
    }

    #[test]
    fn detects_common_languages() {
        assert_eq!(
            detect("The prime minister said on Monday that the talks would continue for as long as needed."),
            Some("en")
        );
        assert_eq!(
            detect("Der Bundeskanzler sagte am Montag, dass die Gespräche so lange wie nötig fortgesetzt werden."),
            Some("de")
        );
        assert_eq!(
            detect("Премьер-министр заявил в понедельник, что переговоры будут продолжаться столько, сколько нужно."),
            Some("ru")
        );
    }
}
