//! The second stage for languages lid.176 confuses with a close neighbour.
//!
//! lid.176 labels most Standard Malay as Indonesian (65 % of FLORES dev sentences, 73 % of paragraphs),
//! half of Nynorsk as Bokmål, a quarter of Galician as Spanish or Portuguese, and some Slovak as Czech.
//! When its top label belongs to one of the [`GROUPS`], this stage counts the text's marker words and
//! letters: the spellings, function words, month and day names and everyday words that one standard uses
//! and its neighbours do not (`kerana`/`karena`, `ikkje`/`ikke`, `unha`/`una`/`uma`, `ř` against `ä`). A
//! marker may point to several labels of its group (Bokmål and Nynorsk both write `etter`, Danish
//! `efter`). The label with strictly the most votes wins. On a tie (including no marker at all), Malay and
//! Indonesian get a second opinion from two models (lid.176 without its training prior, and lingua's
//! models for the pair; see the `second_opinion` module); in the other groups the model's label stands.
//!
//! The lists were written from the published differences between the standards, not from the rows of
//! `../shared/data/langid/`; the Malay/Indonesian lists were extended once (spellings such as
//! `bahagian`/`bagian` and `erti`/`arti`, `-syen`/`-si` loans, country names) after a first measurement,
//! again from the standards and not from rows. Words a neighbour also uses in some sense are left out on
//! purpose (`kerajaan` is "government" in Malay but "kingdom" in Indonesian; Spanish `dos` is "two";
//! Danish `vore` and Bokmål `seier` exist).
//!
//! Measured on FLORES-200 dev with `bench/langid.sh` (results and the rules tried in
//! `bench/results/langid.md`): Malay sentences 34.3 % with lid.176 alone, 70.7 % with the markers and
//! 91.6 % with the second opinion (paragraphs 27.1 → 100 %); Indonesian 96.8, 97.3 and 91.0 % (paragraphs
//! 100 %); all sentences 86.1 → 88.9 %, all paragraphs 91.4 → 93.9 %. Bosnian/Croatian/Serbian, Javanese,
//! Sundanese and Minangkabau are not handled.

use crate::second_opinion::{self, ModelView};

/// A set of labels the model confuses, with the markers that tell them apart.
pub(crate) struct Group {
    /// The labels (lid.176 codes) the group chooses among.
    pub(crate) labels: &'static [&'static str],
    /// For each label, in the same order: lowercase words that vote for it (sorted, for binary search).
    words: &'static [&'static [&'static str]],
    /// For each label: lowercase letters that only it uses within the group; each occurrence votes.
    letters: &'static [&'static str],
}

/// Every group, in the order they are tried; a label belongs to at most one group.
pub(crate) const GROUPS: &[Group] = &[
    MALAY_INDONESIAN,
    NORWEGIAN_DANISH,
    CZECH_SLOVAK,
    GALICIAN_SPANISH_PORTUGUESE,
];

/// At most this many labels in a group.
pub(crate) const MAX_LABELS: usize = 4;
/// Longer words (in bytes, lowercased) cannot be markers and are skipped.
const LONGEST: usize = 32;

/// The group whose labels include `label`.
pub(crate) fn group_of(label: &str) -> Option<&'static Group> {
    GROUPS.iter().find(|group| group.labels.contains(&label))
}

impl Group {
    /// The label the stage picks for `text`, or `None` to leave the model's label: the markers' choice;
    /// when they tie and the group is Malay/Indonesian, the second opinion of lid.176's probabilities
    /// (`probabilities`, in the group's order) with its training prior (`count` of a label) taken out,
    /// and lingua's (see the `second_opinion` module).
    pub(crate) fn choose(
        &self,
        text: &str,
        probabilities: &[f32],
        count: impl Fn(&str) -> i64,
    ) -> Option<&'static str> {
        if let Some(label) = self.decide(text) {
            return Some(label);
        }
        let [first, second] = self.labels else {
            return None;
        };
        let view = ModelView {
            probabilities: [
                probabilities.first().copied().unwrap_or(0.0),
                probabilities.get(1).copied().unwrap_or(0.0),
            ],
            counts: [count(first), count(second)],
        };
        let winner = second_opinion::decide(self.labels, text, view)?;
        self.labels.get(winner).copied()
    }

    /// The label the text's markers choose, or `None` on a tie.
    pub(crate) fn decide(&self, text: &str) -> Option<&'static str> {
        let mut votes = [0u64; MAX_LABELS];
        if self.letters.iter().any(|letters| !letters.is_empty()) {
            for c in text.chars().flat_map(char::to_lowercase) {
                for (vote, letters) in votes.iter_mut().zip(self.letters) {
                    if letters.contains(c) {
                        *vote += 1;
                    }
                }
            }
        }
        let mut buffer = [0u8; LONGEST];
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
            let Some(word) = lowercase(word, &mut buffer) else {
                continue;
            };
            for (vote, words) in votes.iter_mut().zip(self.words) {
                if words.binary_search(&word).is_ok() {
                    *vote += 1;
                }
            }
        }
        let votes = votes.get(..self.labels.len()).unwrap_or_default();
        let best = votes.iter().copied().max().unwrap_or(0);
        if best == 0 || votes.iter().filter(|&&v| v == best).count() > 1 {
            return None;
        }
        let winner = votes.iter().position(|&v| v == best)?;
        self.labels.get(winner).copied()
    }
}

/// `word` in lowercase, written into `buffer`; `None` when empty or too long to be a marker.
fn lowercase<'b>(word: &str, buffer: &'b mut [u8; LONGEST]) -> Option<&'b str> {
    if word.is_empty() || word.len() > LONGEST {
        return None;
    }
    let mut len = 0;
    for c in word.chars().flat_map(char::to_lowercase) {
        let end = len + c.len_utf8();
        c.encode_utf8(buffer.get_mut(len..end)?);
        len = end;
    }
    std::str::from_utf8(buffer.get(..len)?).ok()
}

/// Standard Malay and Indonesian.
#[rustfmt::skip]
const MALAY_INDONESIAN: Group = Group {
    labels: &["ms", "id"],
    words: &[
        // ms
        &[
            "ahad", "akhbar", "aktiviti", "antarabangsa", "askar", "automatik", "autoriti", "bahagian",
            "bahagiannya", "baharu", "bahawa", "bas", "basikal", "beg", "bekalan", "bererti", "berfikir",
            "betul", "bilik", "bilion", "bimbit", "brazil", "cawangan", "cuba", "cukai", "darjah",
            "diberitahu", "dicuba", "dijangka", "diperbuat", "disember", "disokong", "ditubuhkan", "doktor",
            "elektrik", "epal", "eropah", "erti", "esok", "faham", "fakulti", "fasa", "fikir", "fikiran",
            "filem", "haba", "haiwan", "hospital", "hutang", "iaitu", "identiti", "inggeris", "isnin",
            "itali", "jambatan", "jangkaan", "jangkitan", "jawapan", "jawatan", "jawatankuasa", "jenama",
            "jepun", "julai", "jumaat", "jun", "jurulatih", "jururawat", "jurutera", "juruterbang", "justeru",
            "kaedah", "kakitangan", "kanak-kanak", "kapasiti", "kasut", "kedai", "kedua-dua", "kejohanan",
            "kemalangan", "kempen", "kenderaan", "kerana", "kerap", "keretapi", "kerusi", "kes", "kesihatan",
            "khabar", "khamis", "khidmat", "kilang", "kolej", "komisyen", "komuniti", "konvensyen", "kualiti",
            "lawatan", "lebuhraya", "lelaki", "letupan", "lori", "mac", "mahu", "mahupun", "majoriti",
            "maklumat", "makmal", "manakala", "mangsa", "melawat", "memberitahu", "mencuba", "mengandungi",
            "mengundi", "menyokong", "minit", "minoriti", "misyen", "muzik", "muzium", "nombor", "nuklear",
            "ogos", "parlimen", "pawagam", "peguam", "pelaburan", "pelancong", "pelancongan", "pelawat",
            "pelbagai", "pengarah", "pengurusan", "pensyarah", "penubuhan", "penyelidik", "penyelidikan",
            "peperiksaan", "peratus", "percubaan", "percuma", "percutian", "perisian", "perkhidmatan",
            "perlawanan", "perniagaan", "pertubuhan", "perubatan", "pesakit", "petang", "pingat", "pokok",
            "polis", "prioriti", "profesyen", "projek", "rakan", "rasmi", "rawatan", "realiti", "ribut",
            "sahaja", "saintifik", "saintis", "salji", "samudera", "sebahagian", "sebahagiannya", "sebarang",
            "sejuk", "selepas", "seluar", "sempena", "senarai", "sentiasa", "sepanyol", "sesetengah",
            "setiausaha", "sihat", "sijil", "sokongan", "stesen", "sukan", "syarikat", "tandas", "tasik",
            "taufan", "teknikal", "teksi", "telefon", "televisyen", "tempoh", "tentera", "tercedera",
            "tingkap", "tomato", "trilion", "ubat", "ubatan", "ujikaji", "universiti", "versyen", "wang",
        ],
        // id
        &[
            "agustus", "aktivitas", "apel", "arti", "badai", "bagian", "bagiannya", "bahwa", "bandara",
            "berarti", "berbagai", "berkunjung", "berpikir", "berwenang", "bioskop", "bisa", "bisnis",
            "brasil", "bus", "celana", "coba", "danau", "derajat", "desember", "detik", "dicoba", "didukung",
            "dimana", "dimulai", "direktur", "dokter", "dosen", "dukungan", "enggak", "eropa", "fakultas",
            "fase", "fasilitas", "film", "finlandia", "gedung", "gratis", "hewan", "identitas", "ilmuwan",
            "infeksi", "informasi", "inggris", "insinyur", "internasional", "investasi", "irlandia",
            "islandia", "italia", "jawaban", "jembatan", "jepang", "juli", "jumat", "juni", "justru",
            "kabupaten", "kalian", "kamar", "kamis", "kampanye", "kantor", "kapasitas", "karena", "karyawan",
            "kasus", "kecamatan", "kecelakaan", "kejuaraan", "kemarin", "kendaraan", "kepolisian",
            "kesehatan", "komunitas", "koran", "korban", "kualitas", "kuliah", "kunjungan", "kursi",
            "laboratorium", "laki-laki", "layanan", "liburan", "listrik", "manajemen", "maret", "mau",
            "maupun", "mayoritas", "medali", "meksiko", "memulai", "mencoba", "mendukung", "menit", "merek",
            "metode", "miliar", "minoritas", "mobil", "mulai", "museum", "musik", "nggak", "nomor", "nuklir",
            "obat", "olahraga", "otomatis", "otoritas", "pabrik", "paham", "pariwisata", "parlemen", "pasien",
            "pelayanan", "pemerintah", "pemilu", "peneliti", "penelitian", "pengacara", "pengadilan",
            "pengobatan", "perawat", "percobaan", "pernyataan", "persen", "pertandingan", "perusahaan",
            "pikir", "pikiran", "pohon", "polandia", "polisi", "politikus", "politisi", "ponsel", "praktik",
            "prancis", "prioritas", "provinsi", "proyek", "realitas", "rekan", "resmi", "salju", "samudra",
            "sebagian", "sebagiannya", "sehat", "sekretaris", "selandia", "senin", "sepatu", "sepeda",
            "serikat", "sertifikat", "sih", "siswa", "situs", "skotlandia", "sore", "spanyol", "stasiun",
            "taksi", "teknis", "telepon", "televisi", "tentara", "tiongkok", "toko", "tomat", "topan",
            "triliun", "truk", "uang", "universitas", "utang", "wisatawan", "yaitu",
        ],
    ],
    letters: &["", ""],
};

/// Norwegian Nynorsk, Bokmål and Danish.
#[rustfmt::skip]
const NORWEGIAN_DANISH: Group = Group {
    labels: &["nn", "no", "da"],
    words: &[
        // nn
        &[
            "anten", "av", "berre", "blei", "byrja", "deg", "dei", "deira", "difor", "dykk", "dykkar", "eg",
            "ein", "eit", "elles", "enno", "etter", "fekk", "fleire", "frå", "fyrste", "gjekk", "gjer",
            "gjere", "hadde", "heile", "heilt", "hennar", "ho", "ikkje", "kjem", "kome", "kor", "korkje",
            "korleis", "kva", "kvar", "kvart", "kven", "kvifor", "kyrkje", "medan", "meg", "meir", "mellom",
            "mykje", "noko", "nokon", "nokre", "saman", "seg", "sidan", "sjølv", "skule", "spørsmål", "utan",
            "vart", "veit", "vere", "òg",
        ],
        // no
        &[
            "av", "bare", "ble", "blei", "de", "deg", "derfor", "en", "ennå", "et", "etter", "fikk", "flere",
            "fra", "gikk", "gjør", "hadde", "hele", "helt", "hjem", "hun", "hva", "hvem", "hver", "hvor",
            "hvordan", "hvorfor", "ikke", "jeg", "kirke", "komme", "kommer", "meg", "mellom", "mens", "mye",
            "noe", "noen", "nå", "sammen", "seg", "selv", "siden", "sier", "skole", "spørsmål", "sånn",
            "uten", "være",
        ],
        // da
        &[
            "af", "bare", "blev", "de", "derfor", "dig", "efter", "en", "endnu", "et", "fik", "flere", "fra",
            "gik", "gør", "havde", "hele", "helt", "hjem", "hun", "hvad", "hvem", "hver", "hvor", "hvordan",
            "hvorfor", "ikke", "jeg", "kirke", "komme", "kommer", "mellem", "mens", "mig", "nogen", "noget",
            "nogle", "nu", "sammen", "selv", "siden", "sig", "siger", "skole", "spørgsmål", "sådan", "uden",
            "være",
        ],
    ],
    letters: &["", "", ""],
};

/// Czech and Slovak.
#[rustfmt::skip]
const CZECH_SLOVAK: Group = Group {
    labels: &["cs", "sk"],
    words: &[
        // cs
        &[
            "budou", "byl", "byla", "byli", "bylo", "co", "což", "jako", "jejich", "jen", "již", "jsem",
            "jsme", "jsou", "jste", "když", "kterou", "která", "které", "kterého", "který", "kteří", "lidé",
            "mezi", "mohou", "může", "nebo", "není", "pouze", "pro", "proto", "protože", "se", "ve", "více",
            "všech", "všechny", "ze",
        ],
        // sk
        &[
            "aj", "ako", "alebo", "bol", "bola", "boli", "bolo", "budú", "cez", "ešte", "iba", "ich", "keď",
            "ktorá", "ktoré", "ktorého", "ktorí", "ktorú", "ktorý", "len", "medzi", "môže", "môžu", "najmä",
            "nie", "okrem", "podľa", "pre", "preto", "pretože", "pri", "sa", "sme", "som", "ste", "sú",
            "tiež", "veľmi", "viac", "vo", "všetky", "všetkých", "zo", "čo", "ľudia",
        ],
    ],
    letters: &["řůě", "äôĺľŕ"],
};

/// Galician, Spanish and Portuguese.
#[rustfmt::skip]
const GALICIAN_SPANISH_PORTUGUESE: Group = Group {
    labels: &["gl", "es", "pt"],
    words: &[
        // gl
        &[
            "agora", "algunha", "algunhas", "ao", "as", "ata", "aínda", "calquera", "cando", "coa", "coas",
            "con", "cun", "da", "das", "decembro", "dende", "despois", "desta", "deste", "do", "dun", "dunha",
            "dunhas", "e", "ela", "elas", "eles", "en", "facer", "fai", "febreiro", "fillo", "fillos", "foi",
            "goberno", "grazas", "hai", "igrexa", "isto", "lle", "lles", "luns", "mellor", "mesmo", "moi",
            "muller", "mulleres", "máis", "mércores", "na", "ningunha", "non", "nun", "nunha", "nunhas",
            "onde", "os", "outra", "outro", "outros", "pero", "persoas", "pola", "polas", "polos", "rexión",
            "sempre", "sen", "seu", "son", "súa", "súas", "tamén", "teñen", "traballo", "un", "unha", "unhas",
            "venres", "xa", "xaneiro", "xente", "xeral", "xoves", "xullo", "xunto", "xuño", "á", "ás", "é",
        ],
        // es
        &[
            "ahora", "año", "años", "con", "cuando", "del", "después", "diciembre", "donde", "dónde", "el",
            "ellas", "ellos", "en", "enero", "es", "eso", "esto", "fue", "general", "gobierno", "gracias",
            "hacer", "hasta", "hay", "hijo", "iglesia", "jueves", "julio", "junio", "junto", "las", "le",
            "les", "los", "lunes", "mejor", "miércoles", "mucha", "muchas", "mucho", "muchos", "mujer",
            "mujeres", "muy", "más", "pero", "persona", "personas", "región", "según", "sin", "son",
            "también", "trabajo", "un", "una", "viernes", "y", "ya",
        ],
        // pt
        &[
            "agora", "ainda", "ao", "as", "até", "com", "da", "das", "dela", "dele", "depois", "desta",
            "deste", "dezembro", "do", "dum", "duma", "e", "ela", "elas", "eles", "em", "então", "faz",
            "fazer", "fevereiro", "filho", "foi", "geral", "governo", "há", "igreja", "isso", "isto",
            "janeiro", "julho", "junho", "já", "lhe", "lhes", "melhor", "mesmo", "muita", "muitas", "muito",
            "muitos", "mulher", "mulheres", "na", "num", "numa", "não", "obrigado", "onde", "os", "outra",
            "outro", "outros", "pela", "pelas", "pelo", "pelos", "pessoa", "pessoas", "quando", "região",
            "sem", "sempre", "seu", "sua", "suas", "são", "também", "tem", "trabalho", "têm", "um", "uma",
            "umas", "uns", "você", "à", "às", "é",
        ],
    ],
    letters: &["", "", "ãõçâêô"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_well_formed() {
        let mut seen = Vec::new();
        for group in GROUPS {
            assert!(group.labels.len() <= MAX_LABELS);
            assert_eq!(group.words.len(), group.labels.len());
            assert_eq!(group.letters.len(), group.labels.len());
            for words in group.words {
                let mut sorted = words.to_vec();
                sorted.sort_unstable();
                sorted.dedup();
                assert_eq!(&sorted, words, "sorted and without repeats, for binary search");
                for word in *words {
                    assert_eq!(&word.to_lowercase(), word);
                    assert!(word.len() <= LONGEST);
                }
            }
            for label in group.labels {
                assert!(!seen.contains(label), "{label} is in two groups");
                seen.push(*label);
            }
        }
    }

    #[test]
    fn markers_decide_and_ties_abstain() {
        let malay = group_of("ms").unwrap();
        assert_eq!(
            malay.decide("Kerajaan berkata bahawa projek itu akan siap pada bulan Ogos."),
            Some("ms")
        );
        assert_eq!(
            malay.decide("Pemerintah mengatakan bahwa proyek itu selesai pada bulan Agustus."),
            Some("id")
        );
        assert_eq!(malay.decide("Saya suka makan nasi goreng di rumah."), None);
        assert_eq!(malay.decide("kerana karena"), None);
        assert_eq!(malay.decide(""), None);
        assert_eq!(malay.decide("KERANA İstanbul ÇOK"), Some("ms"));

        let norwegian = group_of("no").unwrap();
        assert_eq!(norwegian.decide("Eg veit ikkje kva han gjer."), Some("nn"));
        assert_eq!(
            norwegian.decide("Jeg vet ikke hva han gjør etter skolen."),
            Some("no")
        );
        assert_eq!(
            norwegian.decide("Jeg ved ikke hvad han gør efter skolen."),
            Some("da")
        );

        let czech = group_of("sk").unwrap();
        assert_eq!(czech.decide("Řeka je dlouhá."), Some("cs"));
        assert_eq!(czech.decide("Ľudia sú tu."), Some("sk"));

        let iberian = group_of("gl").unwrap();
        assert_eq!(iberian.decide("Non hai unha casa."), Some("gl"));
        assert_eq!(iberian.decide("No hay una casa y el perro."), Some("es"));
        assert_eq!(iberian.decide("Não há uma casa."), Some("pt"));
        assert_eq!(group_of("en").map(|g| g.labels), None);
    }

    #[test]
    fn odd_text_does_not_panic() {
        let long_word = "ä".repeat(1000);
        for group in GROUPS {
            for text in ["", "-", "İİİ", "ǅ", long_word.as_str(), "\u{10FFFF}", "ß ẞ ﬁ"] {
                let _ = group.decide(text);
            }
        }
    }
}
